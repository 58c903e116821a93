// The counting rules analysts rely on, one behaviour at a time, through the real pipeline.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forget } from '@spoor/erasure';
import type { SpoorEventInput } from '@spoor/events';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { expectedDays } from '@spoor/testkit/recompute';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
let p: TestPipeline;
const sent: SpoorEventInput[] = [];

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
});
afterAll(async () => {
  await p?.close();
});

async function send(events: SpoorEventInput[], opts: { batchId?: string; server?: boolean } = {}) {
  const res = await p.send({ body: { site: 'shop', batch_id: opts.batchId ?? randomUUID(), events }, userAgent: opts.server ? 'shop-backend/1.0' : BROWSER });
  expect(res.status).toBe(202);
  sent.push(...events);
  await p.drain();
}

const order = (id: string, revenue: string) => ({
  order_id: id,
  revenue,
  currency: 'EUR',
  items: [{ id: 'SKU-1', name: 'Tea', category: 'Tea', price: revenue, quantity: 1 }],
});

async function customer(id: string) {
  const rows = await p.wh.query<{ orders: number; revenue: number; visitor_ids: string[] }>(
    "SELECT orders, revenue, arraySort(visitor_ids) AS visitor_ids FROM spoor.customer_profiles WHERE site_id = 'shop' AND customer_id = {id:String}",
    { id },
  );
  return rows[0];
}

describe('counting rules', () => {
  it('counts an order sent twice once, even from two browsers of the same customer', async () => {
    const ts = Date.now() - 3_600_000;
    await send([
      makeEvent('identify', { visitor_id: 'twice-a', user_id: 'u-twice', ts }),
      makeEvent('purchase', { visitor_id: 'twice-a', user_id: 'u-twice', order: order('O-TWICE', '30'), ts: ts + 1000 }),
      makeEvent('purchase', { visitor_id: 'twice-a', user_id: 'u-twice', order: order('O-TWICE', '30'), ts: ts + 2000 }),
    ]);
    await send([makeEvent('purchase', { visitor_id: 'twice-b', user_id: 'u-twice', order: order('O-TWICE', '30'), ts: ts + 3000 })]);
    expect(await customer('u-twice')).toEqual({ orders: 1, revenue: 30, visitor_ids: ['twice-a', 'twice-b'] });
    const [v] = await p.wh.query<{ orders: number; revenue: number }>(
      "SELECT orders, revenue FROM spoor.visitor_profiles WHERE site_id = 'shop' AND visitor_id = 'twice-a'",
    );
    expect(v).toEqual({ orders: 1, revenue: 30 });
  });

  it('subtracts refunds from revenue, a server-side refund included', async () => {
    const ts = Date.now() - 7_200_000;
    await send([makeEvent('purchase', { visitor_id: 'ref-v', user_id: 'u-ref', order: order('O-REF', '80'), ts })]);
    await send(
      [makeEvent('refund', { visitor_id: 'ref-v', user_id: 'u-ref', order: { order_id: 'O-REF', revenue: '25.5', currency: 'EUR' }, ts: ts + 60_000 })],
      { server: true },
    );
    expect(await customer('u-ref')).toMatchObject({ orders: 1, revenue: 54.5 });
    const [v] = await p.wh.query<{ revenue: number }>("SELECT revenue FROM spoor.visitor_profiles WHERE visitor_id = 'ref-v'");
    expect(v!.revenue).toBe(54.5);
  });

  it('attributes anonymous activity and orders to the customer once the visitor identifies', async () => {
    const ts = Date.now() - 10_800_000;
    await send([
      makeEvent('pageview', { visitor_id: 'anon-v', session_id: 'anon-s', ts }),
      makeEvent('purchase', { visitor_id: 'anon-v', session_id: 'anon-s', order: order('O-ANON', '12'), ts: ts + 1000 }),
    ]);
    expect(await customer('anon-v')).toMatchObject({ orders: 1 });
    await send([makeEvent('identify', { visitor_id: 'anon-v', user_id: 'u-anon', traits: { email: 'anon@example.com' }, ts: ts + 5000 })]);
    expect(await customer('anon-v')).toBeUndefined();
    expect(await customer('u-anon')).toEqual({ orders: 1, revenue: 12, visitor_ids: ['anon-v'] });
    const [v] = await p.wh.query<{ user_id: string; pageviews: number }>("SELECT user_id, pageviews FROM spoor.visitor_profiles WHERE visitor_id = 'anon-v'");
    expect(v).toEqual({ user_id: 'u-anon', pageviews: 1 });
    const [t] = await p.wh.query<{ email: string }>("SELECT traits['email'] AS email FROM spoor.customer_profiles WHERE customer_id = 'u-anon'");
    expect(t!.email).toBe('anon@example.com');
  });
});

describe('spoor forget', () => {
  it('leaves nothing of the person in any table, keeps everyone else, and outlives replays', async () => {
    const ts = Date.now() - 14_400_000;
    const mine = [
      makeEvent('pageview', { visitor_id: 'gone-v1', session_id: 'gone-s1', url: 'https://shop.example/p/secret', ts }),
      makeEvent('cart_add', {
        visitor_id: 'gone-v1',
        session_id: 'gone-s1',
        cart: { cart_id: 'gone-cart', items: [{ id: 'SKU-1', price: 5, quantity: 1 }], value: 5 },
        ts: ts + 1000,
      }),
      makeEvent('identify', { visitor_id: 'gone-v1', session_id: 'gone-s1', user_id: 'u-gone', traits: { email: 'gone@example.com' }, ts: ts + 2000 }),
      makeEvent('purchase', {
        visitor_id: 'gone-v1',
        session_id: 'gone-s1',
        user_id: 'u-gone',
        order: { ...order('O-GONE', '5'), cart_id: 'gone-cart' },
        ts: ts + 3000,
      }),
      // A refund too, so the refunds per order (order_refunds) hold the person.
      makeEvent('refund', { visitor_id: 'gone-v1', session_id: 'gone-s1', user_id: 'u-gone', order: order('O-GONE', '2'), ts: ts + 3500 }),
    ];
    const otherDevice = [makeEvent('pageview', { visitor_id: 'gone-v2', session_id: 'gone-s2', user_id: 'u-gone', ts: ts + 4000 })];
    const neighbour = [makeEvent('pageview', { visitor_id: 'stay-v', session_id: 'stay-s', ts: ts + 5000 })];
    const originalBatch = randomUUID();
    await send(mine, { batchId: originalBatch });
    await send([...otherDevice, ...neighbour, { ...makeEvent('pageview', { visitor_id: 'gone-v1' }), url: 42 } as never]);
    expect(await customer('u-gone')).toMatchObject({ orders: 1 });

    const result = await forget(p.wh, { userId: 'u-gone' });
    expect(result.visitors.sort()).toEqual(['gone-v1', 'gone-v2']);
    // The RFM thresholds, computed ahead over every customer, were recomputed without them at once.
    expect(result.tables).toContain('rfm_thresholds');
    const [cuts] = await p.wh.query<{ n: number; customers: number }>(
      "SELECT argMax(customers, refreshed_at) AS n, (SELECT count() FROM spoor.customer_profiles WHERE site_id = 'shop') AS customers FROM spoor.rfm_thresholds WHERE site_id = 'shop'",
    );
    expect(cuts!.n).toBe(cuts!.customers);

    // Replays: the original batch again, and its events under a new batch id (a new insert token).
    await send(mine, { batchId: originalBatch });
    await send(mine);
    await send(otherDevice);

    const ids = ['gone-v1', 'gone-v2', 'u-gone', 'gone@example.com', 'O-GONE', 'gone-cart'];
    const tables = await p.wh.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = 'spoor' AND engine NOT IN ('MaterializedView') AND name != 'forgotten'",
    );
    for (const { name } of tables) {
      let source = `spoor.${name}`;
      let cols = await p.wh.query<{ name: string; type: string }>(
        "SELECT name, type FROM system.columns WHERE database = 'spoor' AND table = {t:String} AND type NOT LIKE 'AggregateFunction%'",
        { t: name },
      );
      if (cols.length === 0) {
        // A parameterized view (prediction_inputs) has columns only once called: as of today.
        source = `spoor.${name}(as_of = today())`;
        cols = await p.wh.query<{ name: string; type: string }>(`DESCRIBE (SELECT * FROM ${source})`);
      }
      const text = cols.map((c) => `toString(\`${c.name}\`)`).join(", '|', ");
      const [hit] = await p.wh.query<{ n: number }>(`SELECT count() AS n FROM ${source} WHERE multiSearchAny(concat(${text}), {ids:Array(String)})`, { ids });
      expect(hit!.n, `${name} still mentions the person`).toBe(0);
    }
    const [stay] = await p.wh.query<{ pageviews: number }>("SELECT pageviews FROM spoor.visitor_profiles WHERE visitor_id = 'stay-v'");
    expect(stay!.pageviews).toBe(1);
    // Per-day totals were rebuilt from everyone else's events.
    const keep = sent.filter((e) => !['gone-v1', 'gone-v2'].includes(e.visitor_id) && e.user_id !== 'u-gone');
    const unique = [...new Map(keep.map((e) => [e.event_id, e])).values()];
    const days = expectedDays(unique, new Set());
    const rows = await p.wh.query<{ day: string; visitors: number; orders: number }>(
      "SELECT toString(day) AS day, visitors, orders FROM spoor.daily_stats WHERE site_id = 'shop'",
    );
    expect(rows.map((r) => [r.day, r.visitors, r.orders]).sort()).toEqual([...days.values()].map((d) => [d.day, d.visitors, d.orders]).sort());
    // So were the per-product statistics the recommendations read: their order is gone from them.
    const ordersWithSku1 = new Set(unique.flatMap((e) => (e.type === 'purchase' && e.order.items?.some((i) => i.id === 'SKU-1') ? [e.order.order_id] : [])));
    const [sku] = await p.wh.query<{ orders: number }>("SELECT orders FROM spoor.product_stats WHERE site_id = 'shop' AND product_id = 'SKU-1'");
    expect(sku?.orders ?? 0).toBe(ordersWithSku1.size);
  });
});
