// Definitions as data: what validates, and refusals that point at the path inside the definition.
import { describe, expect, it } from 'vitest';
import { BUILTINS, compileSegment, parseDefinition, resolveParams, SegmentError } from '../src/index.js';

function refusal(data: unknown): SegmentError {
  try {
    parseDefinition(data);
  } catch (err) {
    if (err instanceof SegmentError) return err;
    throw err;
  }
  throw new Error('the definition was accepted');
}

describe('parseDefinition', () => {
  it('accepts every condition kind', () => {
    const def = parseDefinition({
      name: 'mixed',
      params: { days: { type: 'duration', default: '14d' } },
      where: {
        all: [
          { field: 'revenue', gte: 100, lt: '999.95' },
          { field: 'device_type', in: ['mobile', 'tablet'] },
          { field: 'lifecycle', ne: 'lapsed' },
          { field: 'last_seen', within: { param: 'days' } },
          { field: 'categories', contains: 'Tea' },
          { event: 'custom', name: 'newsletter_signup', within: '30d', count: { gte: 2 } },
          { absent: 'purchase', since: 'last_cart_change_at' },
          { interest: { category: ['Tea', 'Coffee'], brand: 'Kiln' }, action: 'added_to_cart', within: '90d' },
          { not: { trait: 'email', exists: false } },
          {
            any: [
              { field: 'identified', eq: true },
              { field: 'browsers', between: [2, 5] },
            ],
          },
        ],
      },
    });
    expect(def.where.kind).toBe('all');
    expect(def.include).toEqual({ bots: false, cookieless: false });
  });

  it.each([
    [{ name: 'x', where: { field: 'revnue', gt: 1 } }, 'where.field: unknown field "revnue" (did you mean "revenue"?)'],
    [
      {
        name: 'x',
        where: {
          all: [
            { field: 'orders', gte: 1 },
            { field: 'orders', gte: 'many' },
          ],
        },
      },
      'where.all.1.gte: must be a whole number',
    ],
    [{ name: 'x', where: { all: [{ field: 'orders', gte: 1, within: '7d' }] } }, 'where.all.0.within: is not an operator here'],
    [{ name: 'x', where: { field: 'lifecycle', eq: 'gone' } }, 'where.eq: must be one of new, active, at_risk, lapsed, none'],
    [{ name: 'x', where: { any: [{ event: 'cart_ad' }] } }, 'where.any.0.event: unknown event type "cart_ad" (did you mean "cart_add"?)'],
    [{ name: 'x', where: { field: 'last_seen', within: '7 days' } }, 'where.within: must be a duration such as 30m, 1h, 7d or 2w'],
    [{ name: 'x', where: { field: 'last_seen', within: { param: 'nope' } } }, 'where.within.param: no parameter "nope" is declared in params'],
    [
      { name: 'x', params: { n: { type: 'integer', default: 3 } }, where: { field: 'last_seen', within: { param: 'n' } } },
      'where.within.param: parameter n is an integer, here a duration is needed',
    ],
    [{ name: 'x', where: { field: 'orders', gte: 1, sql: 'DROP TABLE x' } }, 'where.sql: is not an operator here'],
    [{ name: 'x', where: { field: 'orders', event: 'cart_add' } }, 'where: a condition has one of field, event, not several'],
    [{ name: 'x', where: {} }, 'where: a condition needs one of all, any, not, field, trait, event, absent, interest'],
    [{ name: 'x', where: { all: [] } }, 'where.all: is a non-empty list of conditions'],
    [{ name: 'x', where: { field: 'orders', in: [1, { param: 'p' }] } }, 'where.in.1: list items are written out, not parameters'],
    [{ name: 'Bad Name', where: { field: 'orders', gte: 1 } }, 'name: must be lower-case letters'],
    [{ name: 'x', where: { field: 'orders', gte: 1 }, columns: ['email'] }, 'columns.0: unknown field "email"'],
    [{ name: 'x', where: { field: 'orders', gte: 1 }, limit: 10 }, 'limit'],
    [{ name: 'x' }, 'where: is required'],
    [{ name: 'x', params: { format: { type: 'string', default: 'a' } }, where: { field: 'orders', gte: 1 } }, 'params.format: "format" is reserved'],
  ])('refuses %j', (data, message) => {
    const err = refusal(data);
    expect(err.code).toBe('invalid_definition');
    expect(err.message).toContain(message);
  });

  it('names the file in the path of a refusal', () => {
    expect(() => parseDefinition({ where: { field: 'nope', eq: 1 } }, { source: 'segments/vip.yaml', fallbackName: 'vip' })).toThrow(
      'segments/vip.yaml: where.field: unknown field "nope"',
    );
  });

  it('rejects conditions nested absurdly deep', () => {
    let where: Record<string, unknown> = { field: 'orders', gte: 1 };
    for (let i = 0; i < 20; i++) where = { not: where };
    expect(refusal({ name: 'deep', where }).message).toContain('nest deeper than');
  });
});

describe('parameters', () => {
  const abandoners = BUILTINS.find((d) => d.name === 'cart_abandoners')!;

  it('defaults, and overrides given as strings', () => {
    expect(resolveParams(abandoners)).toEqual({ window: '1h', lookback: '30d' });
    expect(resolveParams(abandoners, { window: '3h' })).toEqual({ window: '3h', lookback: '30d' });
    const champions = BUILTINS.find((d) => d.name === 'champions')!;
    expect(resolveParams(champions, { min_score: '5' })).toEqual({ min_score: 5 });
  });

  it('refuses unknown names and bad values with the parameter named', () => {
    expect(() => resolveParams(abandoners, { windw: '3h' })).toThrow('segment cart_abandoners has no parameter "windw" (it has window, lookback)');
    expect(() => resolveParams(abandoners, { window: 'soon' })).toThrow('window: must be a duration');
    const champions = BUILTINS.find((d) => d.name === 'champions')!;
    expect(() => resolveParams(champions, { min_score: '4.5' })).toThrow('min_score: must be a whole number');
  });
});

describe('compileSegment', () => {
  it('binds every value as a parameter; the SQL holds only whitelisted names', () => {
    const hostile = "x'); DROP TABLE spoor.events; --";
    const def = parseDefinition({
      name: 'hostile',
      where: {
        any: [
          { field: 'device_type', eq: hostile },
          { field: 'last_page', in: [hostile, 'a'] },
          { trait: hostile, eq: hostile },
          { event: 'custom', name: hostile },
          { interest: { product: hostile } },
          { field: 'first_seen', before: '2025-01-01' },
        ],
      },
    });
    const c = compileSegment(def, { now: Date.UTC(2025, 0, 31) });
    expect(c.where).not.toContain(hostile);
    expect(c.events.map((e) => e.expr).join(' ')).not.toContain(hostile);
    expect(Object.values(c.binds)).toContain(hostile);
    expect(Object.values(c.binds)).toContain('2025-01-01 00:00:00.000');
    expect(c.needs.traits).toBe(true);
  });

  it('turns time windows into bound instants relative to now', () => {
    const def = BUILTINS.find((d) => d.name === 'cart_abandoners')!;
    const c = compileSegment(def, { now: Date.UTC(2025, 0, 31, 12), params: { window: '2h' } });
    expect(Object.values(c.binds)).toEqual(expect.arrayContaining(['2025-01-31 10:00:00.000', '2025-01-01 12:00:00.000']));
    expect(c.figures.map((f) => f.name)).toEqual(['last_cart_id', 'last_cart_quantity', 'last_cart_value', 'last_cart_change_at', 'last_purchase_at']);
  });

  it('bounds a time from both sides with within and within_next (due_to_reorder), and joins the predictions', () => {
    const def = BUILTINS.find((d) => d.name === 'due_to_reorder')!;
    const c = compileSegment(def, { now: Date.UTC(2025, 0, 31, 12), params: { window: '3d' } });
    expect(c.where).toMatch(/next_purchase_at >= \{s_p\d+:DateTime64\(3, 'UTC'\)\}/);
    expect(c.where).toMatch(/next_purchase_at < \{s_p\d+:DateTime64\(3, 'UTC'\)\}/);
    expect(Object.values(c.binds)).toEqual(expect.arrayContaining(['2025-01-28 12:00:00.000', '2025-02-03 12:00:00.000']));
    expect(c.needs).toEqual({ transactions: true, traits: false, predictions: true });
    const churn = compileSegment(
      BUILTINS.find((d) => d.name === 'likely_to_churn')!,
      { params: { max_p_alive: '0.2' } },
    );
    expect(Object.values(churn.binds)).toContain(0.2);
    expect(compileSegment(BUILTINS.find((d) => d.name === 'champions')!).needs.predictions).toBe(false);
    expect(() => parseDefinition({ name: 'x', where: { field: 'prediction_method', eq: 'magic' } })).toThrow('must be one of bgnbd, heuristic, none');
  });

  it('exports the fields a custom definition names, and its event counts', () => {
    const def = parseDefinition({
      name: 'x',
      where: {
        all: [
          { field: 'revenue', gte: 10 },
          { event: 'cart_add', within: '7d' },
        ],
      },
    });
    expect(compileSegment(def).figures.map((f) => f.name)).toEqual(['revenue', 'cart_add_7d']);
  });
});
