// The workspace's figures against the oracle: generated traffic through the real pipeline, then
// the overview, funnel, cohorts, acquisition and RFM grid of @spoor/reports compared with the same
// figures recomputed in TypeScript from the distinct events (test/support/recompute.ts), and each
// RFM cell with the size of its segment.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { acquisition, cohorts, funnel, overview, parseRange, rfmCellDefinition, rfmGrid } from '@spoor/reports';
import { parseDefinition, segmentSizes } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { expectedCustomers, expectedDays, identityMap, money4, pathOf } from '@spoor/testkit/recompute';

let p: TestPipeline;
let events: SpoorEventInput[];
let bots: Set<string>;
const NOW = Date.now();
const range = parseRange({ site: 'shop' }, NOW);
const money = (m: bigint) => Number(m) / 10_000;

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
  const traffic = generateTraffic({ seed: 11, visitors: 400, site: 'shop', now: NOW });
  events = traffic.events;
  bots = traffic.bots;
  await p.sendAll(traffic.batches);
  await p.drain();
}, 120_000);

afterAll(async () => {
  await p?.close();
});

const inRange = (e: SpoorEventInput) => {
  const d = new Date(e.ts).toISOString().slice(0, 10);
  return d >= range.from && d <= range.to;
};

describe('workspace figures equal a recomputation from raw events', () => {
  it('overview: every day, and the period totals counting each visitor and order once', async () => {
    const o = await overview(p.wh, range);
    const days = expectedDays(events, bots);
    for (const row of o.days.rows) {
      const want = days.get(row.day);
      expect({ day: row.day, visitors: row.visitors, sessions: row.sessions, orders: row.orders, revenue: row.revenue }).toEqual({
        day: row.day,
        visitors: want?.visitors ?? 0,
        sessions: want?.sessions ?? 0,
        orders: want?.orders ?? 0,
        revenue: want ? money(want.revenue) : 0,
      });
    }
    const people = events.filter((e) => (!bots.has(e.visitor_id) || e.type === 'refund') && inRange(e));
    const orders = new Map<string, bigint>();
    let refunds = 0n;
    for (const e of people) {
      if (e.type === 'purchase')
        orders.set(e.order.order_id, money4(e.order.revenue) > (orders.get(e.order.order_id) ?? -1n) ? money4(e.order.revenue) : orders.get(e.order.order_id)!);
      if (e.type === 'refund') refunds += money4(e.order.revenue);
    }
    const revenue = money([...orders.values()].reduce((a, b) => a + b, 0n) - refunds);
    expect(o.current).toMatchObject({
      visitors: new Set(people.map((e) => e.visitor_id)).size,
      sessions: new Set(people.flatMap((e) => (e.session_id ? [e.session_id] : []))).size,
      orders: orders.size,
      revenue,
      avg_order_value: Math.round((revenue / orders.size) * 100) / 100,
    });
    expect(o.previous).toMatchObject({
      orders: 0,
      revenue: 0,
      period_to: new Date(Date.parse(`${range.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10),
    });
  });

  it('funnel: people (customers across browsers) who took each step after the one before', async () => {
    const who = identityMap(events);
    const person = (e: SpoorEventInput) => (who.get(e.visitor_id) ? `c:${who.get(e.visitor_id)}` : `v:${e.visitor_id}`);
    const steps = [
      (e: SpoorEventInput) => (e.type === 'custom' && e.name === 'view_item') || (e.type === 'pageview' && pathOf(e.url).startsWith('/p/')),
      (e: SpoorEventInput) => e.type === 'cart_add',
      (e: SpoorEventInput) => e.type === 'checkout',
      (e: SpoorEventInput) => e.type === 'purchase',
    ];
    const byPerson = new Map<string, SpoorEventInput[]>();
    for (const e of events.filter((x) => !bots.has(x.visitor_id) && inRange(x))) byPerson.set(person(e), [...(byPerson.get(person(e)) ?? []), e]);
    const reached = [0, 0, 0, 0];
    for (const evs of byPerson.values()) {
      // The earliest start and then the earliest next step make the longest chain (whole seconds, as windowFunnel compares).
      const sorted = [...evs].sort((a, b) => a.ts - b.ts);
      let level = 0;
      let at = -Infinity;
      for (const e of sorted) {
        if (level < 4 && steps[level]!(e) && Math.floor(e.ts / 1000) >= at) {
          at = Math.floor(e.ts / 1000);
          level++;
        }
      }
      for (let i = 0; i < level; i++) reached[i]!++;
    }
    const f = await funnel(p.wh, range, '/p/');
    expect(f.rows.map((r) => r.people)).toEqual(reached);
    expect(reached[3]).toBeGreaterThan(0);
    expect(f.rows[1]!.drop_off).toBeCloseTo(1 - reached[1]! / reached[0]!, 4);
  });

  it("cohorts: each first-order month's customers are customer_profiles' with that first order", async () => {
    const customers = expectedCustomers(events, NOW);
    const months = new Map<string, number>();
    for (const c of customers.values()) {
      const m = `${new Date(c.first_order_at).toISOString().slice(0, 7)}-01`;
      months.set(m, (months.get(m) ?? 0) + 1);
    }
    const t = await cohorts(p.wh, parseRange({ site: 'shop', from: [...months.keys()].sort()[0], to: range.to }, NOW));
    const sizes = new Map(t.rows.filter((r) => r.months_later === 0).map((r) => [r.cohort, r.customers]));
    expect(Object.fromEntries(sizes)).toEqual(Object.fromEntries(months));
  });

  it('acquisition: both models credit every order and refund of the range once, summing to the overview', async () => {
    const [a, o] = await Promise.all([acquisition(p.wh, range), overview(p.wh, range)]);
    const sum = (k: 'first_touch_orders' | 'last_touch_orders' | 'first_touch_revenue' | 'last_touch_revenue') => a.rows.reduce((s, r) => s + r[k], 0);
    expect(sum('first_touch_orders')).toBe(o.current.orders);
    expect(sum('last_touch_orders')).toBe(o.current.orders);
    expect(sum('first_touch_revenue')).toBeCloseTo(o.current.revenue, 2);
    expect(sum('last_touch_revenue')).toBeCloseTo(o.current.revenue, 2);
    expect(new Set(a.rows.map((r) => r.source)).size).toBeGreaterThan(2);
  });

  it("RFM: each cell's customers are exactly the size of the segment its link opens", async () => {
    const grid = await rfmGrid(p.wh, { site: 'shop' });
    expect(grid.rows).toHaveLength(25);
    const entries = grid.rows.map((c) => ({ definition: parseDefinition(rfmCellDefinition(c.r_score, c.f_score)), builtin: false, source: 'test' }));
    const sizes = await segmentSizes(p.wh, entries, { site: 'shop', now: NOW });
    for (const c of grid.rows) expect(sizes.get(`rfm_r${c.r_score}_f${c.f_score}`), `R${c.r_score} F${c.f_score}`).toBe(c.customers);
    expect(grid.rows.reduce((s, c) => s + c.customers, 0)).toBeGreaterThan(0);
  });
});
