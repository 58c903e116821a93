import { describe, expect, it } from 'vitest';
import { validateEnvelope, validateEvent } from '@spoor/events';
import { generateTraffic, hitRate, holdOutLastOrders, tasteOf } from '../src/index.js';

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

describe('planted affinities', () => {
  const now = Date.UTC(2026, 5, 1);
  const traffic = generateTraffic({ seed: 7, visitors: 600, now, affinity: 0.8 });

  it('leaves the traffic of a seed as it was when no affinity is asked for', () => {
    const plain = generateTraffic({ seed: 7, visitors: 200, now });
    const again = generateTraffic({ seed: 7, visitors: 200, now, affinity: undefined });
    expect(again.events).toEqual(plain.events);
    expect(plain.events.some((e) => e.type === 'custom' && e.name === 'view_item')).toBe(false);
  });

  it('has shoppers view, cart and buy mostly within their taste, and product pages send view_item', () => {
    const views = traffic.events.filter((e) => e.type === 'custom' && e.name === 'view_item');
    expect(views.length).toBeGreaterThan(100);
    let inTaste = 0;
    let all = 0;
    for (const e of traffic.events) {
      const ids = e.type === 'purchase' ? (e.order.items ?? []).map((i) => String(i.id)) : e.type === 'cart_add' ? [String(e.item.id)] : [];
      const taste = tasteOf(e.user_id ?? e.visitor_id);
      for (const id of ids) {
        all++;
        if (taste.includes(id)) inTaste++;
      }
    }
    expect(inTaste / all).toBeGreaterThan(0.6);
    for (const b of traffic.batches) b.body.events.forEach((e, i) => expect(validateEvent(e, i).ok).toBe(true));
  });

  it("holds out each shopper's last order with its session and what came after, keeping everything else", () => {
    const h = holdOutLastOrders(traffic);
    expect(h.cases.length).toBeGreaterThan(50);
    const held = new Set(traffic.events.map((e) => e.event_id));
    for (const e of h.events) expect(held.has(e.event_id)).toBe(true);
    const kept = new Set(h.events.map((e) => e.event_id));
    expect(new Set(h.batches.flatMap((b) => b.body.events.map((e) => e.event_id)))).toEqual(kept);
    for (const c of h.cases) {
      expect(c.target.length).toBeGreaterThan(0);
      for (const id of c.target) expect(c.bought).not.toContain(id);
      // The held-out order itself is gone from what the recommender may learn from.
      expect(h.events.some((e) => e.visitor_id === c.visitorId)).toBe(true);
    }
    const lastOrders = h.cases.length;
    const purchasesLeft = h.events.filter((e) => e.type === 'purchase').length;
    expect(purchasesLeft).toBeLessThan(traffic.events.filter((e) => e.type === 'purchase').length - lastOrders / 2);
  });

  it('scores a hit when one of the first k products is in the held-out order', () => {
    const cases = [
      { person: 'a', visitorId: 'a', target: ['X'], bought: [] },
      { person: 'b', visitorId: 'b', target: ['Y'], bought: [] },
    ];
    expect(hitRate(cases, (c) => (c.person === 'a' ? ['P', 'Q', 'R', 'X'] : ['Y']), 4)).toBe(1);
    expect(hitRate(cases, () => ['P', 'Q', 'R', 'S', 'X', 'Y'], 4)).toBe(0);
  });
});
