// The shop's own books through the real pipeline (collector → Redis → worker → ClickHouse): an
// order the browser reported and the platform's webhook of the same order count once in every
// view, a refund that names only its order lands on the order's customer, old orders from a
// backend land in their own month, and the reconciliation says what the tag missed. Every
// profile figure is checked against a recomputation from the stored raw events.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { hashSiteKey, hookSecretContext, newSecretKey, newSiteKey, sealSecret } from '@spoor/secrets';
import { makeEvent } from '@spoor/testkit/events';
import { SHOP_ORIGIN, startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { expectedCustomers, expectedDays, expectedVisitors, money4 } from '@spoor/testkit/recompute';

const SITE = 'books';
const MASTER = newSecretKey();
const SECRETS = { shopify: 'shpss_int_0a1b2c3d4e5f', woocommerce: 'wc-int-9f8e7d', stripe: 'whsec_int_5a6b7c8d9e' };
const KEY = newSiteKey();
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
/** Yesterday at noon UTC: within the live 30 days, never in the future, far from midnight. */
const DAY_MS = 86_400_000;
const YESTERDAY = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS / 2;
const DAY = new Date(YESTERDAY).toISOString().slice(0, 10);

let p: TestPipeline;
/** Jobs the worker failed: none may, or the counts below would wait for retries. */
const failures: string[] = [];

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'), {
    secretKey: MASTER,
    worker: { onFailed: (err) => failures.push(err.message) },
    sites: [
      {
        site: SITE,
        origins: [SHOP_ORIGIN],
        keyHash: hashSiteKey(KEY),
        hookSecrets: {
          shopify: sealSecret(MASTER, SECRETS.shopify, hookSecretContext(SITE, 'shopify')),
          woocommerce: sealSecret(MASTER, SECRETS.woocommerce, hookSecretContext(SITE, 'woocommerce')),
          stripe: sealSecret(MASTER, SECRETS.stripe, hookSecretContext(SITE, 'stripe')),
        },
      },
    ],
  });
});
afterAll(async () => {
  await p?.close();
});

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/webhooks', name), 'utf8')) as Record<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();

async function browser(events: SpoorEventInput[]) {
  const res = await p.send({ body: { site: SITE, batch_id: randomUUID(), events }, userAgent: BROWSER }, { origin: SHOP_ORIGIN });
  expect(res.status).toBe(202);
}

async function hook(platform: 'shopify' | 'woocommerce', payload: unknown, headers: Record<string, string>) {
  const body = JSON.stringify(payload);
  const sig = createHmac('sha256', SECRETS[platform]).update(body).digest('base64');
  const name = platform === 'shopify' ? 'x-shopify-hmac-sha256' : 'x-wc-webhook-signature';
  return p.collector.app.request(`/v1/hooks/${platform}/${SITE}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', [name]: sig, ...headers },
  });
}

async function stripe(payload: unknown) {
  const body = JSON.stringify(payload);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', SECRETS.stripe).update(`${t}.${body}`).digest('hex');
  return p.collector.app.request(`/v1/hooks/stripe/${SITE}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` },
  });
}

/** The stored events, each once, in the oracle's shape. */
async function rawEvents(): Promise<SpoorEventInput[]> {
  const rows = await p.wh.query<Record<string, unknown>>(
    `SELECT event_id, type, toUnixTimestamp64Milli(ts) AS ts, visitor_id, user_id, session_id, url, order_id, toString(revenue) AS revenue,
            currency, items.product_id AS ids, items.quantity AS qty, items.category AS cats, traits
     FROM spoor.events FINAL WHERE site_id = {s:String}`,
    { s: SITE },
  );
  return rows.map((r) => {
    const base = {
      event_id: r.event_id,
      type: r.type,
      ts: Number(r.ts),
      visitor_id: r.visitor_id,
      ...(r.user_id ? { user_id: r.user_id } : {}),
      ...(r.session_id ? { session_id: r.session_id } : {}),
      ...(r.url ? { url: r.url } : {}),
    };
    const items = (r.ids as string[]).map((id, i) => ({
      id,
      name: '',
      price: 0,
      quantity: (r.qty as number[])[i]!,
      ...((r.cats as string[])[i] ? { category: (r.cats as string[])[i] } : {}),
    }));
    const order = r.order_id ? { order: { order_id: r.order_id, revenue: r.revenue, currency: r.currency, items } } : {};
    return { ...base, ...order, ...(r.type === 'identify' ? { traits: r.traits } : {}) } as unknown as SpoorEventInput;
  });
}

const SHOPIFY_ORDER = '5783105978417';
const VISITOR = 'v-7f3c2a91e0';
const CUSTOMER = '7031259611441';

describe('the same order from the browser and from the shop', () => {
  it('counts once in customer_profiles, visitor_profiles, daily_stats and order_items, with the refund on its customer', async () => {
    // The browser saw the order (its tag ran on the thank-you page)...
    await browser([
      makeEvent('pageview', { visitor_id: VISITOR, session_id: 's-1', url: 'https://shop.example/checkout', ts: YESTERDAY - 60_000 }),
      makeEvent('purchase', {
        visitor_id: VISITOR,
        session_id: 's-1',
        ts: YESTERDAY,
        order: {
          order_id: SHOPIFY_ORDER,
          revenue: '91.49',
          currency: 'USD',
          items: [
            { id: '8741120163121', name: 'Loose Leaf Tea', price: '24', quantity: 2 },
            { id: '8741120295985', name: 'Cast Iron Teapot', price: '36', quantity: 1 },
          ],
        },
      }),
    ]);
    // ...and Shopify reports it twice (orders/create, orders/paid), then its refund.
    const order = { ...fixture('shopify-orders-create.json'), created_at: iso(YESTERDAY + 1_000), processed_at: iso(YESTERDAY + 1_000) };
    expect((await hook('shopify', order, { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': randomUUID() })).status).toBe(200);
    expect((await hook('shopify', order, { 'x-shopify-topic': 'orders/paid', 'x-shopify-webhook-id': randomUUID() })).status).toBe(200);
    await p.drain();
    const refund = { ...fixture('shopify-refunds-create.json'), created_at: iso(YESTERDAY + 3_600_000), processed_at: iso(YESTERDAY + 3_600_000) };
    expect((await hook('shopify', refund, { 'x-shopify-topic': 'refunds/create', 'x-shopify-webhook-id': randomUUID() })).status).toBe(200);
    await p.drain();

    const [c] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, toString(revenue) AS revenue, items, arraySort(visitor_ids) AS visitor_ids FROM spoor.customer_profiles WHERE site_id = {s:String} AND customer_id = {c:String}`,
      { s: SITE, c: CUSTOMER },
    );
    expect(c).toEqual({ orders: 1, revenue: '52.61', items: 3, visitor_ids: [VISITOR] });
    const [v] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, toString(revenue) AS revenue, user_id, pageviews FROM spoor.visitor_profiles WHERE site_id = {s:String} AND visitor_id = {v:String}`,
      { s: SITE, v: VISITOR },
    );
    expect(v).toEqual({ orders: 1, revenue: '52.61', user_id: CUSTOMER, pageviews: 1 });
    const [d] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, toString(revenue) AS revenue, orders_browser_only, orders_server_only, orders_both FROM spoor.daily_stats WHERE site_id = {s:String} AND day = {d:Date}`,
      { s: SITE, d: DAY },
    );
    expect(d).toEqual({ orders: 1, revenue: '52.61', orders_browser_only: 0, orders_server_only: 0, orders_both: 1 });
    const [items] = await p.wh.query<{ n: number }>(`SELECT count() AS n FROM spoor.order_items FINAL WHERE site_id = {s:String} AND order_id = {o:String}`, {
      s: SITE,
      o: SHOPIFY_ORDER,
    });
    expect(items!.n).toBe(2);
    // The refund took the order's person in the worker.
    const [r] = await p.wh.query<Record<string, unknown>>(
      `SELECT visitor_id, user_id, flags, sender FROM spoor.events FINAL WHERE site_id = {s:String} AND type = 'refund' AND order_id = {o:String}`,
      { s: SITE, o: SHOPIFY_ORDER },
    );
    expect(r).toEqual({ visitor_id: VISITOR, user_id: CUSTOMER, flags: ['person_from_order'], sender: 'shopify' });
  });

  it('stores a replayed webhook once', async () => {
    const order = { ...fixture('shopify-orders-create.json'), created_at: iso(YESTERDAY + 1_000), processed_at: iso(YESTERDAY + 1_000) };
    const id = randomUUID();
    for (let i = 0; i < 3; i++) expect((await hook('shopify', order, { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': id })).status).toBe(200);
    await p.drain();
    const [n] = await p.wh.query<{ n: number }>(
      `SELECT count() AS n FROM spoor.events FINAL WHERE site_id = {s:String} AND order_id = {o:String} AND type = 'purchase' AND sender = 'shopify'`,
      { s: SITE, o: SHOPIFY_ORDER },
    );
    expect(n!.n).toBe(1);
  });

  it('stores nothing of a webhook with a bad signature', async () => {
    const order = { ...fixture('shopify-orders-create.json'), id: 99_000_001, created_at: iso(YESTERDAY), processed_at: iso(YESTERDAY) };
    const res = await p.collector.app.request(`/v1/hooks/shopify/${SITE}`, {
      method: 'POST',
      body: JSON.stringify(order),
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': createHmac('sha256', 'guess').update(JSON.stringify(order)).digest('base64'),
        'x-shopify-topic': 'orders/create',
      },
    });
    expect(res.status).toBe(401);
    await p.drain();
    const [n] = await p.wh.query<{ n: number }>(
      `SELECT (SELECT count() FROM spoor.events WHERE order_id = '99000001') + (SELECT count() FROM spoor.rejected_events WHERE site_id = {s:String}) AS n`,
      { s: SITE },
    );
    expect(n!.n).toBe(0);
  });
});

describe('a visitor id carried after Safari purged the SDK cookie', () => {
  it('lands the order on the visitor the collector keeps (its spoor_id cookie)', async () => {
    // The SDK made a new id (its cookie was purged); the collector's HttpOnly cookie kept the old one.
    const res = await p.collector.app.request('/v1/batch', {
      method: 'POST',
      body: JSON.stringify({
        site: SITE,
        batch_id: randomUUID(),
        sent_at: Date.now(),
        events: [makeEvent('pageview', { visitor_id: 'v-sdk-new', ts: YESTERDAY - DAY_MS + 20_000 })],
      }),
      headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN, 'user-agent': BROWSER, cookie: 'spoor_id=v-cookie-kept' },
    });
    expect(res.status).toBe(202);
    await p.drain();
    const woo = {
      ...fixture('woocommerce-order-updated.json'),
      id: 5555,
      number: '5555',
      date_created_gmt: iso(YESTERDAY - DAY_MS + 30_000).slice(0, 19),
      customer_id: 0,
      billing: { email: 'carried@example.org' },
      refunds: [],
      meta_data: [{ id: 1, key: 'spoor_visitor_id', value: 'v-sdk-new' }],
    };
    expect((await hook('woocommerce', woo, { 'x-wc-webhook-topic': 'order.created' })).status).toBe(200);
    await p.drain();
    const [v] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, pageviews FROM spoor.visitor_profiles WHERE site_id = {s:String} AND visitor_id = 'v-cookie-kept'`,
      { s: SITE },
    );
    expect(v).toEqual({ orders: 1, pageviews: 1 });
    const [e] = await p.wh.query<Record<string, unknown>>(
      `SELECT visitor_id, sdk_visitor_id FROM spoor.events FINAL WHERE site_id = {s:String} AND order_id = '5555'`,
      { s: SITE },
    );
    expect(e).toEqual({ visitor_id: 'v-cookie-kept', sdk_visitor_id: 'v-sdk-new' });
  });
});

describe('the tracking loss', () => {
  it('counts orders seen by the browser only, the server only and both, per day', async () => {
    // Only the browser: the shop's backend never reported it.
    await browser([
      makeEvent('purchase', {
        visitor_id: 'v-b-only',
        ts: YESTERDAY + 5_000,
        order: { order_id: 'B-ONLY', revenue: '10', currency: 'EUR', items: [{ id: 'x', name: 'X', price: '10', quantity: 1 }] },
      }),
    ]);
    // Only the server: a WooCommerce order whose thank-you page never ran the tag.
    const woo = { ...fixture('woocommerce-order-updated.json'), date_created_gmt: iso(YESTERDAY + 7_000).slice(0, 19), meta_data: [] };
    expect((await hook('woocommerce', woo, { 'x-wc-webhook-topic': 'order.updated' })).status).toBe(200);
    await p.drain();
    const [d] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, orders_browser_only, orders_server_only, orders_both, tracking_loss FROM spoor.daily_stats WHERE site_id = {s:String} AND day = {d:Date}`,
      { s: SITE, d: DAY },
    );
    expect(d).toEqual({ orders: 3, orders_browser_only: 1, orders_server_only: 1, orders_both: 1, tracking_loss: 0.5 });
    const [r] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, orders_server, toString(revenue_server_only) AS revenue_server_only FROM spoor.order_reconciliation WHERE site_id = {s:String} AND day = {d:Date}`,
      { s: SITE, d: DAY },
    );
    expect(r).toEqual({ orders: 3, orders_server: 2, revenue_server_only: '52.85' });
  });
});

describe('POST /v1/server/batch', () => {
  it('lands an order a year old in its own month, on its customer, once however often it is sent', async () => {
    const ts = Date.now() - 400 * DAY_MS;
    const purchase = makeEvent('purchase', {
      visitor_id: 'c:u-old',
      user_id: 'u-old',
      ts,
      order: { order_id: 'OLD-1', revenue: '120', currency: 'GBP', items: [] },
    });
    const batch = { site: SITE, batch_id: 'backend-1', sent_at: Date.now(), events: [purchase] };
    for (const batchId of ['backend-1', 'backend-2']) {
      const res = await p.collector.app.request('/v1/server/batch', {
        method: 'POST',
        body: JSON.stringify({ ...batch, batch_id: batchId }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      });
      expect(res.status).toBe(202);
    }
    await p.drain();
    const [e] = await p.wh.query<Record<string, unknown>>(
      `SELECT count() AS n, any(_partition_id) AS part, any(sender) AS sender FROM spoor.events FINAL WHERE site_id = {s:String} AND order_id = 'OLD-1'`,
      { s: SITE },
    );
    const month = new Date(ts).toISOString().slice(0, 7).replace('-', '');
    expect(e).toEqual({ n: 1, part: month, sender: 'server' });
    const [c] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, toString(revenue) AS revenue, currency FROM spoor.customer_profiles WHERE site_id = {s:String} AND customer_id = 'u-old'`,
      { s: SITE },
    );
    expect(c).toEqual({ orders: 1, revenue: '120', currency: 'GBP' });
  });
});

describe('Stripe', () => {
  it('puts a refund that names the payment on the order the shop named, and on its customer', async () => {
    const session = fixture('stripe-checkout-session-completed.json') as { id: string; created: number; data: { object: Record<string, unknown> } };
    session.id = 'evt_session_books';
    session.created = Math.floor((YESTERDAY - 2 * DAY_MS) / 1000);
    expect((await stripe(session)).status).toBe(200);
    await p.drain();
    const refund = fixture('stripe-charge-refunded.json') as { id: string; created: number };
    refund.id = 'evt_refund_books';
    refund.created = Math.floor((YESTERDAY - 2 * DAY_MS + 3_600_000) / 1000);
    expect((await stripe(refund)).status).toBe(200);
    await p.drain();
    const [r] = await p.wh.query<Record<string, unknown>>(
      `SELECT order_id, visitor_id, user_id FROM spoor.events FINAL WHERE site_id = {s:String} AND type = 'refund' AND sender = 'stripe' AND has(flags, 'order_not_found') = 0`,
      { s: SITE },
    );
    expect(r).toEqual({ order_id: 'P-20240410-0007', visitor_id: 'v-51c0ffee42', user_id: 'cus_PrT5uVw6XyZ7aB' });
    const [c] = await p.wh.query<Record<string, unknown>>(
      `SELECT orders, toString(revenue) AS revenue FROM spoor.customer_profiles WHERE site_id = {s:String} AND customer_id = 'cus_PrT5uVw6XyZ7aB'`,
      { s: SITE },
    );
    expect(c).toEqual({ orders: 1, revenue: '34.5' });
  });
});

describe('a refund of an order Spoor never saw', () => {
  it('still counts, marked order_not_found', async () => {
    const refund = fixture('stripe-charge-refunded.json') as { id: string; created: number; data: { object: Record<string, unknown> } };
    refund.id = 'evt_unknown_order';
    refund.created = Math.floor((YESTERDAY + 9_000) / 1000);
    refund.data.object.id = 'ch_of_an_unknown_order';
    refund.data.object.payment_intent = 'pi_never_seen';
    expect((await stripe(refund)).status).toBe(200);
    await p.drain();
    const [r] = await p.wh.query<Record<string, unknown>>(
      `SELECT flags, toString(revenue) AS revenue, sender FROM spoor.events FINAL WHERE site_id = {s:String} AND order_id = 'pi_never_seen'`,
      { s: SITE },
    );
    expect(r).toEqual({ flags: ['person_from_order', 'order_not_found'], revenue: '15', sender: 'stripe' });
  });
});

describe('profiles equal a recomputation from the stored events', () => {
  it('customer_profiles, visitor_profiles and daily_stats', async () => {
    const events = await rawEvents();
    const customers = await p.wh.query<Record<string, unknown>>(
      `SELECT customer_id, orders, toString(revenue) AS revenue, items, toUnixTimestamp64Milli(first_order_at) AS first_order_at,
              toUnixTimestamp64Milli(last_order_at) AS last_order_at, toUInt32(as_of) AS today
       FROM spoor.customer_profiles WHERE site_id = {s:String}`,
      { s: SITE },
    );
    const expected = expectedCustomers(events, Number(customers[0]!.today));
    expect(customers.length).toBe(expected.size);
    for (const { today: _, ...row } of customers) {
      const want = expected.get(row.customer_id as string)!;
      expect({ ...row, revenue: money4(row.revenue as string) }, String(row.customer_id)).toEqual({
        customer_id: want.customer_id,
        orders: want.orders,
        revenue: want.revenue,
        items: want.items,
        first_order_at: want.first_order_at,
        last_order_at: want.last_order_at,
      });
    }
    const visitors = await p.wh.query<Record<string, unknown>>(
      `SELECT visitor_id, user_id, orders, toString(revenue) AS revenue, pageviews FROM spoor.visitor_profiles WHERE site_id = {s:String}`,
      { s: SITE },
    );
    const wantVisitors = expectedVisitors(events, new Set());
    expect(visitors.length).toBe(wantVisitors.size);
    for (const row of visitors) {
      const want = wantVisitors.get(row.visitor_id as string)!;
      expect({ ...row, revenue: money4(row.revenue as string) }).toEqual({
        visitor_id: want.visitor_id,
        user_id: want.user_id,
        orders: want.orders,
        revenue: want.revenue,
        pageviews: want.pageviews,
      });
    }
    const days = await p.wh.query<Record<string, unknown>>(
      `SELECT toString(day) AS day, visitors, orders, toString(revenue) AS revenue FROM spoor.daily_stats WHERE site_id = {s:String}`,
      { s: SITE },
    );
    const wantDays = expectedDays(events, new Set());
    expect(days.length).toBe(wantDays.size);
    for (const row of days) {
      const want = wantDays.get(row.day as string)!;
      expect({ ...row, revenue: money4(row.revenue as string) }).toEqual({
        day: want.day,
        visitors: want.visitors,
        orders: want.orders,
        revenue: want.revenue,
      });
    }
    expect(failures).toEqual([]);
  });
});
