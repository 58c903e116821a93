// The analysis model, proven against the raw events: seeded shop traffic goes through the real
// pipeline, and every figure of every profile view equals a plain TypeScript recomputation.
// More seeds: SPOOR_SEEDS=1,2,3 SPOOR_VISITORS=3000 npx vitest run test/analysis
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateTraffic, type Traffic } from '@spoor/traffic';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { expectedCarts, expectedCustomers, expectedDays, expectedSessions, expectedVisitors, money4, pathOf } from '@spoor/testkit/recompute';

const SEEDS = (process.env.SPOOR_SEEDS ?? '11,12').split(',').map(Number);
const VISITORS = Number(process.env.SPOOR_VISITORS ?? 600);

const m4 = (x: number | string) => money4(typeof x === 'number' ? x.toFixed(4) : x);

describe.each(SEEDS)('profiles equal the raw events (seed %i)', (seed) => {
  let p: TestPipeline;
  let traffic: Traffic;
  const site = `shop${seed}`;

  beforeAll(async () => {
    p = await startPipeline(inject('redisUrl'), { site });
    traffic = generateTraffic({ seed, visitors: VISITORS, site });
    await p.sendAll(traffic.batches);
    await p.drain();
  }, 180_000);

  afterAll(async () => {
    await p?.close();
  });

  it('stores every distinct event once, counted the documented way', async () => {
    const [r] = await p.wh.query<{ distinct_ids: number; final_rows: number }>(
      `SELECT (SELECT uniqExact(event_id) FROM spoor.events WHERE site_id = {s:String}) AS distinct_ids,
              (SELECT count() FROM spoor.events FINAL WHERE site_id = {s:String}) AS final_rows`,
      { s: site },
    );
    expect(r).toEqual({ distinct_ids: traffic.events.length, final_rows: traffic.events.length });
  });

  it('visitor_profiles', async () => {
    const expected = expectedVisitors(traffic.events, traffic.bots);
    const rows = await p.wh.query<Record<string, unknown>>(
      `SELECT visitor_id, user_id, toUnixTimestamp64Milli(first_seen) AS first_seen, toUnixTimestamp64Milli(last_seen) AS last_seen,
              sessions, pageviews, clicks, cart_adds, cart_removes, checkouts, orders, toString(revenue) AS revenue,
              last_page, top_pages, first_utm_source, first_referrer_domain, last_referrer_domain, last_utm_source,
              last_cart_id, last_cart_quantity,
              toUnixTimestamp64Milli(last_cart_change_at) AS last_cart_change_at,
              toUnixTimestamp64Milli(last_purchase_at) AS last_purchase_at, is_bot, device_type
       FROM spoor.visitor_profiles WHERE site_id = {s:String}`,
      { s: site },
    );
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const want = expected.get(row.visitor_id as string)!;
      expect({ ...row, revenue: m4(row.revenue as string), device_type: undefined }, String(row.visitor_id)).toEqual({ ...want, device_type: undefined });
      expect(row.device_type).toBe(traffic.browsers.get(want.visitor_id)!.device_type);
    }
  });

  it('session_profiles', async () => {
    const expected = expectedSessions(traffic.events);
    const rows = await p.wh.query<Record<string, unknown>>(
      `SELECT session_id, visitor_id, user_id, toUnixTimestamp64Milli(started_at) AS started_at, toUnixTimestamp64Milli(ended_at) AS ended_at,
              duration_s, events, pageviews, clicks, cart_adds, entry_page, exit_page, referrer_domain, utm_source, utm_campaign,
              engaged_ms, toUInt8(bounce) AS bounce, orders, toString(revenue) AS revenue, toUInt8(converted) AS converted
       FROM spoor.session_profiles WHERE site_id = {s:String}`,
      { s: site },
    );
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      expect({ ...row, revenue: m4(row.revenue as string) }, String(row.session_id)).toEqual(expected.get(row.session_id as string));
    }
  });

  it('customer_profiles, with RFM and lifecycle', async () => {
    const rows = await p.wh.query<Record<string, unknown>>(
      `SELECT customer_id, orders, toString(revenue) AS revenue, toString(avg_order_value) AS avg_order_value, items,
              distinct_products, distinct_categories, toUnixTimestamp64Milli(first_order_at) AS first_order_at,
              toUnixTimestamp64Milli(last_order_at) AS last_order_at, mean_days_between_orders, recency_days,
              r_score, f_score, m_score, lifecycle, traits['email'] AS email, toUInt32(as_of) AS today
       FROM spoor.customer_profiles WHERE site_id = {s:String}`,
      { s: site },
    );
    const expected = expectedCustomers(traffic.events, Number(rows[0]!.today));
    expect(rows.length).toBe(expected.size);
    for (const { today: _, ...row } of rows) {
      const want = expected.get(row.customer_id as string)!;
      expect(row.mean_days_between_orders as number, String(row.customer_id)).toBeCloseTo(want.mean_days_between_orders, 1);
      expect(
        { ...row, revenue: m4(row.revenue as string), avg_order_value: m4(row.avg_order_value as string), mean_days_between_orders: 0 },
        String(row.customer_id),
      ).toEqual({ ...want, mean_days_between_orders: 0 });
    }
    // The generator makes repeat buyers and refunds, so these paths are exercised.
    expect([...expected.values()].some((c) => c.orders > 1)).toBe(true);
  });

  it('daily_stats, people only', async () => {
    const expected = expectedDays(traffic.events, traffic.bots);
    const rows = await p.wh.query<Record<string, unknown>>(
      `SELECT toString(day) AS day, visitors, sessions, pageviews, cart_adds, checkouts, orders, toString(revenue) AS revenue, conversion_rate
       FROM spoor.daily_stats WHERE site_id = {s:String}`,
      { s: site },
    );
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const want = expected.get(row.day as string)!;
      expect(row.conversion_rate as number).toBeCloseTo(want.conversion_rate, 3);
      expect({ ...row, revenue: m4(row.revenue as string), conversion_rate: 0 }, String(row.day)).toEqual({ ...want, conversion_rate: 0 });
    }
  });

  it('cart_states', async () => {
    const expected = expectedCarts(traffic.events);
    const rows = await p.wh.query<Record<string, unknown>>(
      `SELECT cart_id, visitor_id, quantity, toString(value) AS value, product_ids, toUnixTimestamp64Milli(changed_at) AS changed_at,
              toUInt8(emptied) AS emptied, toUInt8(purchased) AS purchased, order_id
       FROM spoor.cart_states WHERE site_id = {s:String}`,
      { s: site },
    );
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      expect({ ...row, value: m4(row.value as string) }, String(row.cart_id)).toEqual(expected.get(row.cart_id as string));
    }
  });

  it('order_items: one row per purchased line, each order once', async () => {
    const lines = new Map<string, number>();
    for (const e of traffic.events) if (e.type === 'purchase') lines.set(e.order.order_id, e.order.items?.length ?? 0);
    const [r] = await p.wh.query<{ n: number; orders: number }>(
      'SELECT count() AS n, uniqExact(order_id) AS orders FROM spoor.order_items FINAL WHERE site_id = {s:String}',
      { s: site },
    );
    expect(r).toEqual({ n: [...lines.values()].reduce((a, b) => a + b, 0), orders: lines.size });
  });

  it('identities link visitors to customers, and the landing paths are what the URLs say', async () => {
    const linked = new Set(traffic.events.filter((e) => e.user_id).map((e) => `${e.visitor_id}|${e.user_id}`));
    const [r] = await p.wh.query<{ n: number }>(
      'SELECT count() AS n FROM (SELECT visitor_id, user_id FROM spoor.identities FINAL WHERE site_id = {s:String})',
      { s: site },
    );
    expect(r!.n).toBe(linked.size);
    const pageview = traffic.events.find((e) => e.type === 'pageview' && e.url?.includes('/#/'))!;
    const [row] = await p.wh.query<{ path: string }>('SELECT path FROM spoor.events WHERE event_id = {id:UUID}', { id: pageview.event_id });
    expect(row!.path).toBe(pathOf(pageview.url));
  });
});
