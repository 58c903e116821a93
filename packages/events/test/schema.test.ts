import { describe, expect, it } from 'vitest';
import { jsonDepth, LIMITS, toDecimalString, validateEnvelope, validateEvent } from '../src/index.js';
import { makeBatch, makeEvent } from '@spoor/testkit/events';

describe('validateEvent', () => {
  it('accepts every event type with its required fields', () => {
    const types = ['pageview', 'page_leave', 'click', 'cart_view', 'cart_add', 'cart_remove', 'checkout', 'purchase', 'refund', 'identify', 'custom'] as const;
    for (const t of types) {
      const r = validateEvent(makeEvent(t), 0);
      expect(r.ok, `${t}: ${JSON.stringify(!r.ok && r.error)}`).toBe(true);
    }
  });

  it('names the field and the event index of a failure', () => {
    const r = validateEvent(makeEvent('purchase', { order: { order_id: 'o', revenue: 'ten', currency: 'EUR' } }), 3);
    expect(r).toMatchObject({ ok: false, error: { reason: 'invalid_event', path: 'events.3.order.revenue' } });
  });

  it('requires the fields a type depends on', () => {
    const noUrl = validateEvent({ ...makeEvent('pageview'), url: undefined }, 0);
    expect(noUrl).toMatchObject({ ok: false, error: { path: 'events.0.url' } });
    const noUser = validateEvent({ ...makeEvent('identify'), user_id: undefined }, 1);
    expect(noUser).toMatchObject({ ok: false, error: { path: 'events.1.user_id' } });
    expect(validateEvent({ ...makeEvent('custom'), type: 'nope' }, 0)).toMatchObject({ ok: false, error: { path: 'events.0.type' } });
  });

  it('keeps money exact as decimal strings', () => {
    const r = validateEvent(makeEvent('purchase', { order: { order_id: 'o', revenue: 0.1 + 0.2, tax: '1.23456', currency: 'eur', items: [] } }), 0);
    expect(r.ok && r.value.type === 'purchase' && r.value.order).toMatchObject({ revenue: '0.3', tax: '1.2346', currency: 'EUR' });
    expect(toDecimalString('19.99')).toBe('19.99');
    expect(toDecimalString(19.999999)).toBe('20');
    expect(toDecimalString('0.00005')).toBe('0.0001');
  });

  it('refuses ids beyond their limits and values of the wrong type', () => {
    expect(validateEvent(makeEvent('pageview', { visitor_id: 'x'.repeat(LIMITS.maxIdLength + 1) }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('pageview', { visitor_id: 'has space' }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('purchase', { order: { order_id: 'o'.repeat(LIMITS.maxIdLength + 1), revenue: 1, currency: 'EUR' } }), 0)).toMatchObject({
      ok: false,
      error: { path: 'events.0.order.order_id' },
    });
    expect(validateEvent(makeEvent('cart_add', { item: { id: 'p'.repeat(2 * LIMITS.maxIdLength + 1), name: 'Tea', price: 1 } }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('identify', { user_id: 'u'.repeat(LIMITS.maxUserIdLength + 1) }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('custom', { title: 7 as never }), 0)).toMatchObject({ ok: false, error: { path: 'events.0.title' } });
    expect(validateEvent(makeEvent('custom', { name: '' }), 0).ok).toBe(false);
  });

  it('accepts an event within every limit as it is, not flagged', () => {
    const raw = makeEvent('custom', { name: 'n'.repeat(LIMITS.maxNameLength), title: 't'.repeat(LIMITS.maxValueLength), props: { k: 'v' } });
    const r = validateEvent(raw, 0);
    expect(r).toMatchObject({ ok: true, value: { name: raw.name, title: raw.title } });
    expect(r.ok && r.clipped).toBeFalsy();
  });

  it('cuts texts to their limits and lists to their counts, flagging the event clipped', () => {
    const items = Array.from({ length: LIMITS.maxItems + 50 }, (_, i) => ({ id: `SKU-${i}`, name: 'n'.repeat(5000), price: 1 }));
    const order = { order_id: 'o1', revenue: 1, currency: 'EUR', coupon: 'c'.repeat(500), items: items.slice(0, 20) };
    const r = validateEvent(makeEvent('purchase', { url: 'u'.repeat(5000), title: 't'.repeat(5000), screen: '1'.repeat(40), order }), 0);
    expect(r.ok && r.clipped).toBe(true);
    if (!r.ok || r.value.type !== 'purchase') throw new Error('refused');
    expect([r.value.url!.length, r.value.title!.length, r.value.screen!.length, r.value.order.coupon!.length]).toEqual([
      LIMITS.maxUrlLength,
      LIMITS.maxValueLength,
      32,
      LIMITS.maxNameLength,
    ]);
    expect(r.value.order.items.map((i) => i.name.length)).toEqual(Array(20).fill(LIMITS.maxValueLength));
    const cart = validateEvent(makeEvent('cart_view', { cart: { cart_id: 'c1', items: items.map((i) => ({ ...i, name: 'n' })), value: 1 } }), 0);
    expect(cart.ok && cart.clipped && cart.value.type === 'cart_view' && cart.value.cart.items.map((i) => i.id)).toEqual(
      items.slice(0, LIMITS.maxItems).map((i) => i.id),
    );
    const element = {
      tag: 'x-'.repeat(30),
      text: 'b'.repeat(300),
      classes: Array(60).fill('c'.repeat(200)),
      href: 'h'.repeat(3000),
      selector: 's'.repeat(2000),
    };
    const click = validateEvent(makeEvent('click', { element }), 0);
    expect(click.ok && click.clipped && click.value.type === 'click' && click.value.element).toMatchObject({
      tag: 'x-'.repeat(16),
      text: 'b'.repeat(LIMITS.maxElementText),
      classes: Array(50).fill('c'.repeat(LIMITS.maxNameLength)).join(' '),
      href: 'h'.repeat(LIMITS.maxUrlLength),
      selector: 's'.repeat(LIMITS.maxSelectorLength),
    });
    const custom = validateEvent(makeEvent('custom', { name: 'n'.repeat(500) }), 0);
    expect(custom.ok && custom.clipped && custom.value.type === 'custom' && custom.value.name).toBe('n'.repeat(LIMITS.maxNameLength));
  });

  it('never cuts a surrogate pair in half', () => {
    const title = `${'x'.repeat(LIMITS.maxValueLength - 1)}\u{1F600}tail`;
    const r = validateEvent(makeEvent('pageview', { title }), 0);
    expect(r.ok && r.clipped && r.value.title).toBe('x'.repeat(LIMITS.maxValueLength - 1));
  });

  it('makes props and traits flat: the first 100 keys, keys cut, nested values as JSON text, reserved keys dropped', () => {
    const props: Record<string, unknown> = JSON.parse('{"constructor": 1, "prototype": 2}');
    for (let i = 0; i < 150; i++) props[`k${i}`] = i;
    props.nested = { a: [1, 2] };
    const r = validateEvent(makeEvent('custom', { props: props as never }), 0);
    expect(r.ok && r.clipped).toBe(true);
    expect(r.ok && Object.keys(r.value.props!)).toEqual(Array.from({ length: LIMITS.maxProps }, (_, i) => `k${i}`));
    const reserved = validateEvent(makeEvent('custom', { props: JSON.parse('{"constructor": "x", "k": 1}') }), 0);
    expect(reserved.ok && reserved.clipped && reserved.value.props).toEqual({ k: 1 });
    const long = 'x'.repeat(200);
    const traits = { nested: { a: [1, 2] }, big: { s: 'y'.repeat(2000) }, [long]: 1, v: 'v'.repeat(2000) };
    const t = validateEvent(makeEvent('identify', { traits: traits as never }), 0);
    expect(t.ok && t.clipped && t.value.type === 'identify' && t.value.traits).toEqual({
      nested: '{"a":[1,2]}',
      big: `{"s":"${'y'.repeat(LIMITS.maxValueLength - 6)}`,
      [long.slice(0, LIMITS.maxKeyLength)]: 1,
      v: 'v'.repeat(LIMITS.maxValueLength),
    });
  });

  it('refuses an event still larger than the per-event byte limit after clipping, with its own reason', () => {
    const props = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    expect(validateEvent(makeEvent('custom', { props }), 7)).toMatchObject({ ok: false, error: { reason: 'event_too_large', path: 'events.7' } });
    // Over the limit as sent, within it once its one long text is cut: accepted.
    const cut = validateEvent(makeEvent('custom', { props: { s: 'x'.repeat(1_000_000) } }), 0);
    expect(cut.ok && cut.clipped && cut.value.props!.s).toHaveLength(LIMITS.maxValueLength);
  });

  it('lets a custom event carry the product it is about (GA4 view_item)', () => {
    const r = validateEvent(makeEvent('custom', { name: 'view_item', item: { id: 7, name: 'Tea', price: '12.50' } }), 0);
    expect(r.ok && r.value.type === 'custom' && r.value.item).toEqual({ id: '7', name: 'Tea', price: '12.5', quantity: 1 });
    expect(validateEvent(makeEvent('custom', { name: 'view_item', item: { id: 'p1' } as never }), 0).ok).toBe(false); // no price
    expect(validateEvent(makeEvent('custom'), 0).ok).toBe(true);
  });

  it('drops unknown fields instead of refusing newer senders', () => {
    const r = validateEvent({ ...makeEvent('pageview'), brand_new_field: 1 }, 0);
    expect(r.ok && 'brand_new_field' in r.value).toBe(false);
  });
});

describe('validateEnvelope', () => {
  it('accepts a batch and keeps its events raw for per-event validation', () => {
    const r = validateEnvelope(makeBatch([makeEvent('pageview'), { junk: true } as never]));
    expect(r.ok && r.value.events).toHaveLength(2);
  });

  it('refuses a batch over the event limit, an empty one, and bad site or batch ids', () => {
    const many = Array.from({ length: LIMITS.maxEventsPerBatch + 1 }, () => makeEvent('pageview'));
    expect(validateEnvelope(makeBatch(many))).toMatchObject({ ok: false, error: { path: 'events' } });
    expect(validateEnvelope(makeBatch([]))).toMatchObject({ ok: false });
    expect(validateEnvelope(makeBatch([makeEvent('pageview')], { site: 'Shop One' }))).toMatchObject({ ok: false, error: { path: 'site' } });
    expect(validateEnvelope(makeBatch([makeEvent('pageview')], { batch_id: 'a:b' }))).toMatchObject({ ok: false, error: { path: 'batch_id' } });
  });
});

describe('jsonDepth', () => {
  it('measures nesting without recursion, even 200k levels deep', () => {
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
    expect(jsonDepth([1, 'x', null])).toBe(1);
    expect(jsonDepth({ a: {}, b: [[], { c: [[{}]] }], d: null })).toBe(6);
    expect(jsonDepth('x')).toBe(0);
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(jsonDepth(deep)).toBeGreaterThan(LIMITS.maxJsonDepth);
  });
});

describe('timestamps', () => {
  it('reach back to 1990 for order history (CDNOW starts in 1997), and no further', () => {
    const at = (ts: number) =>
      validateEvent({ event_id: '00000000-0000-4000-8000-000000000001', type: 'pageview', ts, visitor_id: 'v', url: 'https://x.example/' }, 0).ok;
    expect(at(Date.UTC(1997, 0, 1))).toBe(true);
    expect(at(Date.UTC(1990, 0, 1))).toBe(true);
    expect(at(Date.UTC(1989, 11, 31))).toBe(false);
  });
});
