// Acting on the visitor, end to end: events go through the real collector, BullMQ on the run's
// Redis, the worker and embedded ClickHouse; /v1/me, /v1/recommendations and /v1/profiles are
// answered by the real personalization reads over that warehouse, and every figure they give is
// compared with the profile views (which test/profiles.test.ts proves against the raw events).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forget } from '@spoor/erasure';
import { createCollector, redisRateLimits, staticSites, type Collector } from '@spoor/collector';
import type { FullProfile, MeAnswer, MeKnown, ProductRecommendations, SpoorEventInput } from '@spoor/events';
import { createPersonalization, type Personalization } from '@spoor/personalization';
import { createRedisConnection } from '@spoor/queue';
import { hashSiteKey } from '@spoor/secrets';
import { loadCatalog } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { openReader, type WarehouseReader } from '@spoor/warehouse';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const ORIGIN = 'https://shop.example';
const KEY = 'sk_live_5b3d6f0e9a2c4d7e8f1a2b3c4d5e6f70';
const HOUR = 3_600_000;
const LONG = 'x'.repeat(1024);

let p: TestPipeline;
let reader: WarehouseReader;
let collector: Collector;
let personalization: Personalization;
let redis: ReturnType<typeof createRedisConnection>;

beforeAll(async () => {
  // As spoor up runs it: the worker tells the personalization whose rows each insert committed,
  // and /v1/me answers from the states it keeps between lookups.
  p = await startPipeline(inject('redisUrl'), { site: 'shop', worker: { onTouched: (ts) => ts.forEach((t) => personalization.touched(t)) } });
  reader = await openReader(p.wh);
  redis = createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
  // These tests check figures, not speed: a lookup may wait long for the site-wide loads on a busy machine.
  personalization = createPersonalization(reader, { segments: () => loadCatalog(), lookupTimeoutMs: 60_000, keepStates: true });
  collector = createCollector({
    queue: p.queue,
    sites: staticSites([
      {
        site: 'shop',
        origins: [ORIGIN],
        exposeTraits: ['first_name', 'note'],
        exposeSegments: ['cart_abandoners', 'champions'],
        repurchaseProducts: ['TEA-REFILL'],
        keyHash: hashSiteKey(KEY),
      },
      { site: 'traffic', origins: ['https://shop.example'], keyHash: hashSiteKey(KEY) },
    ]),
    ipSalt: async () => 'salt',
    personalization,
    rateLimits: redisRateLimits({ redis, keyPrefix: uniqueName('rl'), perIp: { points: 40, durationS: 60 } }),
  });
}, 60_000);

afterAll(async () => {
  personalization?.close();
  await reader?.close();
  redis?.disconnect();
  await p?.close();
});

let peer = 0;
/** A different public client address per call, so only the rate-limit test spends one IP's budget. */
const anyPeer = () => ({ incoming: { socket: { remoteAddress: `198.51.100.${(peer++ % 250) + 1}` } } });

async function send(events: SpoorEventInput[], opts: { cookie?: string; site?: string } = {}) {
  const res = await collector.app.request(
    'http://collect.example/v1/batch',
    {
      method: 'POST',
      body: JSON.stringify({ site: opts.site ?? 'shop', batch_id: randomUUID(), sent_at: Date.now(), events }),
      headers: { 'content-type': 'text/plain', 'user-agent': BROWSER, origin: ORIGIN, ...(opts.cookie ? { cookie: `spoor_id=${opts.cookie}` } : {}) },
    },
    anyPeer(),
  );
  expect(res.status).toBe(202);
  await p.drain();
  // The site-wide parts (catalogue, partners, segments) are cached for a minute: tests that add
  // data between lookups want them read again.
  personalization.refresh();
  return res;
}

async function me(visitor: string | undefined, headers: Record<string, string> = {}): Promise<MeAnswer> {
  const res = await collector.app.request(
    'http://collect.example/v1/me?site=shop',
    { headers: { origin: ORIGIN, ...(visitor ? { cookie: `spoor_id=${visitor}` } : {}), ...headers } },
    anyPeer(),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as MeAnswer;
}

const known = (a: MeAnswer): MeKnown => {
  expect(a.known).toBe(true);
  return a as MeKnown;
};

const item = (id: string, price = '12.50', category = 'Tea') => ({ id, name: `Product ${id}`, category, price, quantity: 1, currency: 'EUR' });

describe('/v1/me', () => {
  it('knows a returning visitor: visits, times and the cart left in an earlier visit, as the profile views say', async () => {
    const v = 'me-returning';
    const t = Date.now() - 5 * HOUR;
    await send([
      makeEvent('pageview', { visitor_id: v, session_id: 'me-s1', ts: t }),
      makeEvent('cart_add', {
        visitor_id: v,
        session_id: 'me-s1',
        ts: t + 1000,
        item: item('MUG', '8.00'),
        cart: { cart_id: 'me-cart', items: [{ ...item('MUG', '8.00'), quantity: 2 }], value: '16.00', currency: 'EUR' },
      }),
      makeEvent('pageview', { visitor_id: v, session_id: 'me-s2', ts: t + 3 * HOUR }),
    ]);
    const answer = known(await me(v));
    const [vp] = await p.wh.query<{ sessions: number; first_seen: string; last_seen: string }>(
      "SELECT sessions, toString(first_seen) AS first_seen, toString(last_seen) AS last_seen FROM spoor.visitor_profiles WHERE site_id = 'shop' AND visitor_id = {v:String}",
      { v },
    );
    const [cart] = await p.wh.query<{ changed_at: string }>(
      "SELECT toString(changed_at) AS changed_at FROM spoor.cart_states WHERE site_id = 'shop' AND cart_id = 'me-cart'",
    );
    const iso = (s: string) => new Date(`${s.replace(' ', 'T')}Z`).toISOString();
    expect(answer).toMatchObject({
      returning: true,
      visits: vp!.sessions,
      first_seen: iso(vp!.first_seen),
      last_seen: iso(vp!.last_seen),
      cart: {
        cart_id: 'me-cart',
        items: [{ id: 'MUG', name: 'Product MUG', price: '8.00', quantity: 2, currency: 'EUR' }],
        value: '16.00',
        currency: 'EUR',
        updated_at: iso(cart!.changed_at),
      },
      segments: ['cart_abandoners'],
    });
    expect(answer.visits).toBe(2);
    expect(answer).not.toHaveProperty('customer');
    expect(answer.recommendations.map((r) => r.product_id)).not.toContain('MUG');
  });

  it('greets an identified customer with only the traits the site lists, and their lifecycle and orders', async () => {
    const v = 'me-ada';
    const t = Date.now() - 2 * HOUR;
    // A raw body, so keys JSON.stringify would never write (a __proto__ key) reach the collector.
    const identify = JSON.stringify(makeEvent('identify', { visitor_id: v, user_id: 'ada', ts: t })).replace(
      /}$/,
      `,"traits":{"first_name":"Ada","First_Name":"Wrong case","firstname":"Almost","email":"ada@example.com","note":"${LONG}","__proto__":{"admin":true}}}`,
    );
    const res = await collector.app.request(
      'http://collect.example/v1/batch',
      {
        method: 'POST',
        body: `{"site":"shop","batch_id":"${randomUUID()}","events":[${identify}]}`,
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER, origin: ORIGIN },
      },
      anyPeer(),
    );
    expect(res.status).toBe(202);
    await p.drain();
    await send([
      makeEvent('purchase', {
        visitor_id: v,
        user_id: 'ada',
        ts: t + 1000,
        order: { order_id: 'ME-O1', revenue: '20.00', currency: 'EUR', items: [item('TEAPOT', '20.00', 'Tableware')] },
      }),
    ]);

    const answer = known(await me(v));
    const [cp] = await p.wh.query<{ lifecycle: string; orders: number }>(
      "SELECT lifecycle, orders FROM spoor.customer_profiles WHERE site_id = 'shop' AND customer_id = 'ada'",
    );
    expect(answer.customer).toEqual({ lifecycle: cp!.lifecycle, orders: cp!.orders, traits: { first_name: 'Ada', note: LONG } });
    expect(cp).toEqual({ lifecycle: 'new', orders: 1 });
    expect(Object.keys(answer.customer!.traits)).toEqual(['first_name', 'note']);
    const text = JSON.stringify(answer);
    for (const leak of ['Wrong case', 'Almost', 'ada@example.com', 'admin']) expect(text).not.toContain(leak);
    expect(answer.recommendations.map((r) => r.product_id)).not.toContain('TEAPOT');
  });

  it("recommends what was bought with the visitor's products, never what they bought unless the site sells it again", async () => {
    const t = Date.now() - 10 * HOUR;
    for (let i = 0; i < 3; i++) {
      await send([
        makeEvent('purchase', {
          visitor_id: `me-buyer-${i}`,
          ts: t + i,
          order: {
            order_id: `ME-PAIR-${i}`,
            revenue: '30.00',
            currency: 'EUR',
            items: [item('KETTLE', '20.00', 'Tableware'), item('TEA-REFILL', '5.00'), item('FILTER', '5.00', 'Coffee')],
          },
        }),
      ]);
    }
    const v = 'me-kettle';
    await send([
      makeEvent('purchase', {
        visitor_id: v,
        ts: t + 100,
        order: { order_id: 'ME-K', revenue: '20.00', currency: 'EUR', items: [item('KETTLE', '20.00', 'Tableware')] },
      }),
    ]);
    const recs = known(await me(v)).recommendations;
    expect(
      recs
        .slice(0, 2)
        .map((r) => [r.product_id, r.reason])
        .sort(),
    ).toEqual([
      ['FILTER', 'bought_together'],
      ['TEA-REFILL', 'bought_together'],
    ]);
    expect(recs.map((r) => r.product_id)).not.toContain('KETTLE');

    // A consumable the visitor bought stays recommendable (TEA-REFILL is in the site's list).
    await send([
      makeEvent('purchase', {
        visitor_id: v,
        ts: t + 200,
        order: { order_id: 'ME-K2', revenue: '10.00', currency: 'EUR', items: [item('TEA-REFILL', '5.00'), item('FILTER', '5.00', 'Coffee')] },
      }),
    ]);
    const after = known(await me(v)).recommendations.map((r) => r.product_id);
    expect(after).toContain('TEA-REFILL');
    expect(after).not.toContain('FILTER');

    const res = await collector.app.request(
      'http://collect.example/v1/recommendations?site=shop&product=KETTLE&limit=2',
      { headers: { origin: ORIGIN } },
      anyPeer(),
    );
    const page = (await res.json()) as ProductRecommendations;
    expect(page.product).toBe('KETTLE');
    expect(page.recommendations.map((r) => [r.product_id, r.reason, r.price]).sort()).toEqual([
      ['FILTER', 'bought_together', '5.00'],
      ['TEA-REFILL', 'bought_together', '5.00'],
    ]);
  });

  it('is {known: false} for an unknown visitor, under GPC, and for a browser that only sent cookieless events', async () => {
    expect(await me('never-seen')).toEqual({ known: false });
    expect(await me(undefined)).toEqual({ known: false });
    expect(await me('me-returning', { 'sec-gpc': '1' })).toEqual({ known: false });
    await send([makeEvent('pageview', { visitor_id: 'me-cookieless', cookieless: true })]);
    const [row] = await p.wh.query<{ n: number }>("SELECT count() AS n FROM spoor.visitor_profiles WHERE visitor_id = 'me-cookieless'");
    expect(row!.n).toBe(1);
    expect(await me('me-cookieless')).toEqual({ known: false });
  });

  it('shows a cart change acknowledged with 202 as soon as the worker committed it', async () => {
    const v = 'me-fresh';
    await send([makeEvent('pageview', { visitor_id: v, session_id: 'fresh-1' })]);
    expect(known(await me(v))).not.toHaveProperty('cart');
    const res = await collector.app.request(
      'http://collect.example/v1/batch',
      {
        method: 'POST',
        body: JSON.stringify({
          site: 'shop',
          batch_id: randomUUID(),
          events: [
            makeEvent('cart_add', {
              visitor_id: v,
              session_id: 'fresh-1',
              item: item('FRESH'),
              cart: { cart_id: 'fresh-cart', items: [item('FRESH')], value: '12.50' },
            }),
          ],
        }),
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER, origin: ORIGIN },
      },
      anyPeer(),
    );
    expect(res.status).toBe(202);
    await waitFor(async () => (known(await me(v)).cart?.items ?? []).some((i) => i.id === 'FRESH'), 15_000, 'the cart in /v1/me');
  });

  it('forgets a visitor at once: {known: false} right after spoor forget, and events replayed later do not bring them back', async () => {
    const v = 'me-gone';
    const events = [
      makeEvent('pageview', { visitor_id: v }),
      makeEvent('cart_add', { visitor_id: v, item: item('GONE'), cart: { cart_id: 'gone-c', items: [item('GONE')], value: '12.50' } }),
    ];
    await send(events);
    known(await me(v));
    await forget(p.wh, { visitorId: v });
    expect(await me(v)).toEqual({ known: false });
    await send(events);
    await send([makeEvent('pageview', { visitor_id: v })]);
    expect(await me(v)).toEqual({ known: false });
  });

  it('limits lookups from one IP (many ids) with 429 and Retry-After', async () => {
    const ip = { incoming: { socket: { remoteAddress: '203.0.113.77' } } };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 45; i++) {
      last = await collector.app.request('http://collect.example/v1/me?site=shop', { headers: { origin: ORIGIN, 'x-spoor-visitor': `probe-${i}` } }, ip);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('/v1/profiles', () => {
  let customers: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const traffic = generateTraffic({ seed: 31, visitors: 250, site: 'traffic', affinity: 0.7 });
    for (let i = 0; i < traffic.batches.length; i += 40) {
      await Promise.all(
        traffic.batches.slice(i, i + 40).map(async (b) => {
          const res = await collector.app.request(
            'http://collect.example/v1/batch',
            {
              method: 'POST',
              body: JSON.stringify({ ...b.body, sent_at: Date.now() }),
              headers: { 'content-type': 'text/plain', 'user-agent': b.userAgent, ...(b.userAgent.startsWith('Mozilla/') ? { origin: ORIGIN } : {}) },
            },
            anyPeer(),
          );
          expect(res.status).toBe(202);
        }),
      );
    }
    await p.drain(120_000);
    personalization.refresh();
    customers = await p.wh.query(
      `SELECT customer_id, orders, toString(revenue) AS revenue, toString(avg_order_value) AS avg_order_value, items,
         arraySort(visitor_ids) AS visitor_ids, toString(first_order_at) AS first_order_at, toString(last_order_at) AS last_order_at,
         mean_days_between_orders, recency_days, r_score, f_score, m_score, lifecycle, arraySort(products) AS products
       FROM spoor.customer_profiles WHERE site_id = 'traffic' ORDER BY customer_id`,
    );
  }, 180_000);

  const profile = async (id: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
    collector.app.request(`http://collect.example/v1/profiles/traffic/${encodeURIComponent(id)}`, { headers }, anyPeer());

  it('gives every customer the figures, RFM scores and lifecycle of customer_profiles', async () => {
    expect(customers.length).toBeGreaterThan(30);
    const money = (s: unknown) => Number(s).toFixed(2);
    const iso = (s: unknown) => new Date(`${String(s).replace(' ', 'T')}Z`).toISOString();
    const pending = [...customers];
    const check = async (c: Record<string, unknown>) => {
      const res = await profile(String(c.customer_id));
      expect(res.status).toBe(200);
      const got = (await res.json()) as FullProfile;
      expect({
        orders: got.transactions.orders,
        revenue: got.transactions.revenue,
        aov: got.transactions.avg_order_value,
        items: got.transactions.items,
        first: got.transactions.first_order_at,
        last: got.transactions.last_order_at,
        mean: got.transactions.mean_days_between_orders,
        recency: got.transactions.recency_days,
        rfm: got.rfm && [got.rfm.r, got.rfm.f, got.rfm.m],
        lifecycle: got.lifecycle,
        products: got.transactions.products,
      }).toEqual({
        orders: c.orders,
        revenue: money(c.revenue),
        aov: money(c.avg_order_value),
        items: c.items,
        first: iso(c.first_order_at),
        last: iso(c.last_order_at),
        mean: c.mean_days_between_orders,
        recency: c.recency_days,
        rfm: [c.r_score, c.f_score, c.m_score],
        lifecycle: c.lifecycle,
        products: c.products,
      });
      // A customer's browsers that bought are among the browsers the profile lists.
      for (const v of c.visitor_ids as string[]) {
        if (got.kind === 'customer') expect(got.visitor_ids).toContain(v);
      }
    };
    // Four at a time, as a backend would ask; every customer is checked.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let c = pending.shift(); c; c = pending.shift()) await check(c);
      }),
    );
  }, 180_000);

  it("combines a customer's browsers into one activity profile, and gives a single browser its own", async () => {
    const [multi] = await p.wh.query<{ customer_id: string; visitors: string[]; pageviews: number; sessions: number }>(
      `SELECT user_id AS customer_id, groupArray(visitor_id) AS visitors, sum(pageviews) AS pageviews, sum(sessions) AS sessions
       FROM spoor.visitor_profiles WHERE site_id = 'traffic' AND user_id != '' GROUP BY user_id HAVING count() > 1 ORDER BY customer_id LIMIT 1`,
    );
    expect(multi).toBeDefined();
    const got = (await (await profile(multi!.customer_id)).json()) as FullProfile;
    expect(got).toMatchObject({ kind: 'customer', customer_id: multi!.customer_id, activity: { pageviews: multi!.pageviews, sessions: multi!.sessions } });
    expect(got.visitor_ids).toEqual([...multi!.visitors].sort());
    const v = multi!.visitors[0]!;
    const [vp] = await p.wh.query<{ pageviews: number }>("SELECT pageviews FROM spoor.visitor_profiles WHERE site_id = 'traffic' AND visitor_id = {v:String}", {
      v,
    });
    const one = (await (await profile(v)).json()) as FullProfile;
    expect(one).toMatchObject({ kind: 'visitor', customer_id: multi!.customer_id, visitor_ids: [v], activity: { pageviews: vp!.pageviews } });
  });

  it('gives a customer the cart of their latest cart change across browsers, lines named, until an order names it', async () => {
    const t = Date.now() - 3 * HOUR;
    const [a, b] = ['pc-browser-a', 'pc-browser-b'];
    const profileOf = async (id: string) => {
      const res = await collector.app.request(`http://collect.example/v1/profiles/shop/${id}`, { headers: { authorization: `Bearer ${KEY}` } }, anyPeer());
      expect(res.status).toBe(200);
      return (await res.json()) as FullProfile;
    };
    const mug = { ...item('PC-MUG', '8.00'), quantity: 2 };
    const pot = item('PC-POT', '30.00', 'Tableware');
    await send([
      makeEvent('identify', { visitor_id: a, user_id: 'pc-cust', ts: t }),
      makeEvent('cart_add', {
        visitor_id: a,
        session_id: 'pc-s1',
        ts: t + 1000,
        item: mug,
        cart: { cart_id: 'pc-cart-a', items: [mug], value: '16.00', currency: 'EUR' },
      }),
      makeEvent('identify', { visitor_id: b, user_id: 'pc-cust', ts: t + 2000 }),
      makeEvent('cart_add', {
        visitor_id: b,
        session_id: 'pc-s2',
        ts: t + 3000,
        item: pot,
        cart: { cart_id: 'pc-cart-b', items: [mug, pot], value: '46.00', currency: 'EUR' },
      }),
    ]);
    const got = await profileOf('pc-cust');
    const [cs] = await p.wh.query<{ changed_at: string }>(
      "SELECT toString(changed_at) AS changed_at FROM spoor.cart_states WHERE site_id = 'shop' AND cart_id = 'pc-cart-b'",
    );
    expect(got.visitor_ids).toEqual([a, b]);
    expect(got.cart).toEqual({
      cart_id: 'pc-cart-b',
      items: [
        { id: 'PC-MUG', name: 'Product PC-MUG', price: '8.00', quantity: 2, currency: 'EUR' },
        { id: 'PC-POT', name: 'Product PC-POT', price: '30.00', quantity: 1, currency: 'EUR' },
      ],
      value: '46.00',
      currency: 'EUR',
      updated_at: new Date(`${cs!.changed_at.replace(' ', 'T')}Z`).toISOString(),
    });
    // The same cart /v1/me shows the browser that holds it.
    expect(known(await me(b)).cart).toEqual(got.cart);
    await send([
      makeEvent('purchase', {
        visitor_id: b,
        user_id: 'pc-cust',
        ts: t + 4000,
        order: { order_id: 'PC-O1', cart_id: 'pc-cart-b', revenue: '46.00', currency: 'EUR', items: [mug, pot] },
      }),
    ]);
    expect((await profileOf('pc-cust')).cart).toBeNull();
  });

  it('answers 401 for a wrong or missing key, the same for ids that exist and ids that do not', async () => {
    const id = String(customers[0]!.customer_id);
    const bodies = new Set<string>();
    for (const [who, headers] of [
      [id, {}],
      [id, { authorization: 'Bearer sk_live_guess' }],
      ['nobody-at-all', {}],
      ['nobody-at-all', { authorization: 'Bearer sk_live_guess' }],
    ] as const) {
      const res = await profile(who, headers);
      expect(res.status).toBe(401);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    expect((await profile('nobody-at-all')).status).toBe(404);
  });
});
