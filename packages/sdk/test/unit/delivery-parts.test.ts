// The pure parts of delivery: backoff, the outbox bounds, the size guard, byte counting.
// (Splitting into batches by count and bytes is tested in Chromium: test/browser/delivery.test.ts.)
import { describe, expect, it } from 'vitest';
import { LIMITS } from '@spoor/events/limits';
import { retryable, retryDelay } from '../../src/backoff.js';
import { fit } from '../../src/fit.js';
import { MAX_BODY_BYTES, OUTBOX_MAX_AGE_MS, OUTBOX_MAX_EVENTS } from '../../src/limits.js';
import { prune } from '../../src/outbox.js';
import { byteLength } from '../../src/util.js';

describe('byteLength', () => {
  it('never undercounts UTF-8', () => {
    for (const s of ['ascii', 'é', '€', '😀', 'mixed é € 😀']) expect(byteLength(s)).toBeGreaterThanOrEqual(Buffer.byteLength(s));
    expect(byteLength('ascii')).toBe(5);
  });
});

describe('backoff', () => {
  it('retries network errors, timeouts, 429 and 5xx, never 400, 403 or 413', () => {
    for (const s of [undefined, 0, 408, 429, 500, 502, 503]) expect(retryable(s)).toBe(true); // (undefined: no answer at all)
    for (const s of [200, 202, 400, 403, 413]) expect(retryable(s)).toBe(false);
  });

  it('grows exponentially with jitter, capped at a minute', () => {
    expect(retryDelay(1, null, 0)).toBe(500);
    expect(retryDelay(1, null, 1)).toBe(1000);
    expect(retryDelay(3, null, 0.5)).toBe(3000);
    expect(retryDelay(20, null, 1)).toBe(60_000);
  });

  it('waits at least as long as Retry-After, in seconds or as a date', () => {
    expect(retryDelay(1, '30', 0)).toBe(30_000);
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryDelay(1, 'Tue, 01 Jan 2030 00:00:20 GMT', 0, now)).toBe(20_000);
    expect(retryDelay(1, 'soon', 0)).toBe(500);
    expect(retryDelay(1, '999999', 0)).toBe(3_600_000);
  });
});

describe('outbox prune', () => {
  const now = Date.now();
  const batch = (i: string, t: number, n: number) => ({ i, t, e: Array.from({ length: n }, () => ({})) });

  it('drops batches older than the age limit', () => {
    expect(prune([batch('old', now - OUTBOX_MAX_AGE_MS - 1, 1), batch('new', now, 1)], now).map((b) => b.i)).toEqual(['new']);
  });

  it('drops the oldest batches first once the event count is over the limit', () => {
    const list = [batch('a', now - 3, 400), batch('b', now - 2, 400), batch('c', now - 1, 400)];
    expect(prune(list, now).map((b) => b.i)).toEqual(['b', 'c']);
    expect(prune(list, now).reduce((n, b) => n + b.e.length, 0)).toBeLessThanOrEqual(OUTBOX_MAX_EVENTS);
  });
});

describe('fit', () => {
  it('leaves an event within 32 KiB as it is', () => {
    const e = { type: 'pageview', title: 't'.repeat(5000), props: { k: 'v'.repeat(5000), n: undefined } };
    expect(fit(e)).toBe(JSON.stringify(e));
  });

  it('shrinks a larger event until it fits, keeping the ids', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ id: `SKU-${'x'.repeat(100)}-${i}`, name: 'n'.repeat(1000), price: 1, quantity: 1 }));
    const event_id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const cart_id = 'c'.repeat(64);
    const json = fit({ event_id, type: 'cart_view', cart: { cart_id, items, value: 200 } });
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(LIMITS.maxEventBytes);
    const e = JSON.parse(json) as { event_id: string; cart: { cart_id: string; items: Array<{ id: string }> } };
    expect(e.event_id).toBe(event_id);
    expect(e.cart.cart_id).toBe(cart_id);
    expect(e.cart.items.length).toBeGreaterThan(10);
    expect(e.cart.items.every((i, n) => i.id === items[n]!.id)).toBe(true);
  });

  it('cuts only what is far over any limit while the event fits', () => {
    expect(JSON.parse(fit({ title: 't'.repeat(10_000) })).title).toHaveLength(8192);
  });

  it('gives up, as small as it got, on an event that cannot be made to fit', () => {
    const props = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`${'k'.repeat(100)}${i}`, i]));
    expect(Buffer.byteLength(fit({ type: 'custom', props }))).toBeGreaterThan(MAX_BODY_BYTES);
  });
});
