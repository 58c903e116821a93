// The small rules around the answers: what a page may see of the traits, how values are written,
// how RFM levels place a customer, and how the site-wide caches refresh.
import { describe, expect, it } from 'vitest';
import { exposedTraits, isoTime, money, refreshingCache, scoreOf, type RfmLevels } from '../src/index.js';

describe('exposedTraits', () => {
  const traits = JSON.parse(
    '{"first_name":"Ada","First_Name":"Not me","first_name ":"Nor me","email":"ada@example.com","__proto__":"polluted","constructor":"x"}',
  ) as Record<string, string>;

  it('gives exactly the listed keys, case and spacing included, nothing else', () => {
    const out = exposedTraits(traits, ['first_name']);
    expect(Object.keys(out)).toEqual(['first_name']);
    expect(out.first_name).toBe('Ada');
    expect(JSON.stringify(out)).toBe('{"first_name":"Ada"}');
  });

  it('keeps prototype-named keys as plain data, and only when listed', () => {
    expect(JSON.stringify(exposedTraits(traits, ['email']))).toBe('{"email":"ada@example.com"}');
    const listed = exposedTraits(traits, ['__proto__', 'constructor']);
    expect(JSON.stringify(listed)).toBe('{"__proto__":"polluted","constructor":"x"}');
    expect(Object.getPrototypeOf(listed)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives nothing when the site lists nothing or the visitor has no traits', () => {
    expect(exposedTraits(traits, [])).toEqual({});
    expect(exposedTraits(undefined, ['first_name'])).toEqual({});
  });
});

describe('values', () => {
  it('writes money with two places, rounding half away from zero, without floats', () => {
    expect(money('12.5')).toBe('12.50');
    expect(money('0.005')).toBe('0.01');
    expect(money('0.0049')).toBe('0.00');
    expect(money('-3.125')).toBe('-3.13');
    expect(money('99999999999999.9999')).toBe('100000000000000.00');
    expect(money(undefined)).toBe('0.00');
  });

  it('writes ClickHouse times as ISO 8601 UTC, and the epoch (never) as null', () => {
    expect(isoTime('2026-11-30 18:00:00.120')).toBe('2026-11-30T18:00:00.120Z');
    expect(isoTime('1970-01-01 00:00:00.000')).toBeNull();
    expect(isoTime(null)).toBeNull();
  });
});

describe('scoreOf', () => {
  // customer_profiles gave: R5 up to 2 days, R4 up to 9, R3 up to 20, R1 up to 80 (no R2: a tie);
  // F1 from 1 order, F4 from 2, F5 from 5; M1 from 0, M3 from 50, M5 from 200.
  const levels: RfmLevels = {
    customers: 10,
    recencyHigh: [80, undefined, 20, 9, 2],
    ordersLow: [1, undefined, undefined, 2, 5],
    revenueLow: [0, undefined, 50, undefined, 200],
    asOf: '2026-12-01',
  };

  it('gives the score whose range the figures reach, as the view gave it', () => {
    expect(scoreOf(levels, { recencyDays: 0, orders: 7, revenue: 500 })).toEqual({ r: 5, f: 5, m: 5 });
    expect(scoreOf(levels, { recencyDays: 9, orders: 2, revenue: 50 })).toEqual({ r: 4, f: 4, m: 3 });
    expect(scoreOf(levels, { recencyDays: 21, orders: 1, revenue: 49.99 })).toEqual({ r: 1, f: 1, m: 1 });
    // Beyond every range seen: the lowest score for recency, the highest reached for the others.
    expect(scoreOf(levels, { recencyDays: 400, orders: 3, revenue: 120 })).toEqual({ r: 1, f: 4, m: 3 });
  });
});

describe('refreshingCache', () => {
  it('loads once, serves the last value while a refresh runs in the background, and shares one load', async () => {
    let t = 0;
    let loads = 0;
    let release: () => void = () => {};
    const cache = refreshingCache({
      ttlMs: 100,
      now: () => t,
      load: async (key) => {
        loads++;
        if (loads > 1) await new Promise<void>((r) => (release = r));
        return `${key}:${loads}`;
      },
    });
    const [a, b] = await Promise.all([cache.get('s'), cache.get('s')]);
    expect([a, b, loads]).toEqual(['s:1', 's:1', 1]);
    t = 150;
    expect(await cache.get('s')).toBe('s:1');
    expect(await cache.get('s')).toBe('s:1');
    expect(loads).toBe(2);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('s')).toBe('s:2');
  });

  it('keeps the last value when a refresh fails, and reports it', async () => {
    let t = 0;
    let fail = false;
    const errors: string[] = [];
    const cache = refreshingCache({
      ttlMs: 10,
      now: () => t,
      onError: (e) => errors.push(e.message),
      load: async () => {
        if (fail) throw new Error('warehouse away');
        return 'v';
      },
    });
    expect(await cache.get('k')).toBe('v');
    fail = true;
    t = 20;
    expect(await cache.get('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual(['warehouse away']);
  });
});
