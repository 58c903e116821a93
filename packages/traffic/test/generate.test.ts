import { describe, expect, it } from 'vitest';
import { validateEnvelope, validateEvent } from '@spoor/events';
import { generateTraffic } from '../src/index.js';

describe('generateTraffic', () => {
  const now = Date.UTC(2026, 5, 1);
  const traffic = generateTraffic({ seed: 7, visitors: 500, now });

  it('is deterministic for a seed', () => {
    const again = generateTraffic({ seed: 7, visitors: 500, now });
    expect(again.batches.map((b) => b.body.batch_id)).toEqual(traffic.batches.map((b) => b.body.batch_id));
    expect(generateTraffic({ seed: 8, visitors: 500, now }).events[0]!.event_id).not.toBe(traffic.events[0]!.event_id);
  });

  it('produces only events the contract accepts, within the accepted age', () => {
    for (const b of traffic.batches) {
      expect(validateEnvelope({ ...b.body, sent_at: now }).ok).toBe(true);
      b.body.events.forEach((e, i) => {
        const v = validateEvent(e, i);
        expect(v.ok, JSON.stringify(!v.ok && v.error)).toBe(true);
        expect(e.ts).toBeLessThan(now);
        expect(e.ts).toBeGreaterThan(now - 29 * 86_400_000);
      });
    }
  });

  it('covers the shop journey and the duplicates delivery produces', () => {
    const types = new Set(traffic.events.map((e) => e.type));
    for (const t of ['pageview', 'page_leave', 'click', 'cart_add', 'cart_remove', 'cart_view', 'checkout', 'purchase', 'refund', 'identify', 'custom']) {
      expect(types.has(t as never), t).toBe(true);
    }
    const sent = traffic.batches.flatMap((b) => b.body.events).length;
    expect(sent).toBeGreaterThan(traffic.events.length);
    const batchIds = traffic.batches.map((b) => b.body.batch_id);
    expect(new Set(batchIds).size).toBeLessThan(batchIds.length);
    const orders = traffic.events.filter((e) => e.type === 'purchase').map((e) => (e as { order: { order_id: string } }).order.order_id);
    expect(new Set(orders).size).toBeLessThan(orders.length);
    expect(traffic.bots.size).toBeGreaterThan(0);
  });
});
