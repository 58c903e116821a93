import { describe, expect, it } from 'vitest';
import { jsonDepth, LIMITS, toDecimalString, validateEnvelope, validateEvent } from '../src/index.js';
import { makeBatch, makeEvent } from '../../../test/support/events.js';

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

  it('refuses ids, props and values beyond the limits', () => {
    expect(validateEvent(makeEvent('pageview', { visitor_id: 'x'.repeat(LIMITS.maxIdLength + 1) }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('pageview', { visitor_id: 'has space' }), 0).ok).toBe(false);
    const manyProps = Object.fromEntries(Array.from({ length: LIMITS.maxProps + 1 }, (_, i) => [`k${i}`, i]));
    expect(validateEvent(makeEvent('custom', { props: manyProps }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('custom', { props: { nested: { a: 1 } as never } }), 0).ok).toBe(false);
    expect(validateEvent(makeEvent('custom', { name: 'n'.repeat(LIMITS.maxNameLength + 1) }), 0).ok).toBe(false);
  });

  it('refuses an event larger than the per-event byte limit with its own reason', () => {
    const props = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    expect(validateEvent(makeEvent('custom', { props }), 7)).toMatchObject({ ok: false, error: { reason: 'event_too_large', path: 'events.7' } });
  });

  it('refuses keys that could reach a prototype', () => {
    const props = JSON.parse('{"constructor": "x"}');
    expect(validateEvent(makeEvent('custom', { props }), 0).ok).toBe(false);
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
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(jsonDepth(deep)).toBeGreaterThan(LIMITS.maxJsonDepth);
  });
});

describe('timestamps', () => {
  it('reach back to 1990 for order history (CDNOW starts in 1997), and no further', () => {
    const at = (ts: number) => validateEvent({ event_id: '00000000-0000-4000-8000-000000000001', type: 'pageview', ts, visitor_id: 'v', url: 'https://x.example/' }, 0).ok;
    expect(at(Date.UTC(1997, 0, 1))).toBe(true);
    expect(at(Date.UTC(1990, 0, 1))).toBe(true);
    expect(at(Date.UTC(1989, 11, 31))).toBe(false);
  });
});
