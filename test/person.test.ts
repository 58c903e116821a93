// One definition of a person (docs/SCHEMA.md, "Who is a person"): a visitor belongs to the customer
// it was most recently identified as. identity_map is its home; visitor_profiles.user_id keeps the
// same answer per visitor so activity reads need no join (checked equal here on shared devices and
// generated traffic); an order counts for the user it was sent as, else for its browser's customer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { generateTraffic } from '@spoor/traffic';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const MIN = 60_000;
const order = (order_id: string) => ({ order_id, revenue: '10', currency: 'EUR', items: [{ id: 'SKU-1', name: 'Tea', price: '10', quantity: 1 }] });
let p: TestPipeline;

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'));
  const t0 = Date.now() - 5 * 60 * MIN;
  const at = (visitor_id: string, minutes: number, type: 'pageview' | 'identify', user_id?: string): SpoorEventInput =>
    type === 'identify'
      ? makeEvent('identify', { visitor_id, ts: t0 + minutes * MIN, user_id: user_id! })
      : makeEvent('pageview', { visitor_id, ts: t0 + minutes * MIN, ...(user_id ? { user_id } : {}) });
  const events = [
    // A shared device: alice, then bob logs in on it; it is bob's from then on.
    at('v-shared', 0, 'identify', 'alice'),
    at('v-shared', 5, 'pageview', 'alice'),
    makeEvent('purchase', { visitor_id: 'v-shared', ts: t0 + 6 * MIN, user_id: 'alice', order: order('o-alice') }),
    at('v-shared', 60, 'identify', 'bob'),
    // Alice's own browser.
    at('v-alice', 10, 'identify', 'alice'),
    // Anonymous before and after logging in: still carol's.
    at('v-carol', 0, 'pageview'),
    makeEvent('purchase', { visitor_id: 'v-carol', ts: t0 + 30 * MIN, order: order('o-carol') }),
    at('v-carol', 120, 'identify', 'carol'),
    at('v-carol', 180, 'pageview'),
    // Never identified.
    at('v-anon', 30, 'pageview'),
  ];
  const res = await p.send({ body: { site: 'shop', batch_id: randomUUID(), events }, userAgent: BROWSER });
  expect(res.status).toBe(202);
  await p.sendAll(generateTraffic({ seed: 16, visitors: 120, site: 'shop' }).batches);
  await p.drain();
});
afterAll(async () => {
  await p?.close();
});

it('follows the latest identification: a shared device is its last customer’s', async () => {
  const rows = await p.wh.query<{ visitor_id: string; customer_id: string }>(
    "SELECT visitor_id, customer_id FROM spoor.identity_map WHERE site_id = 'shop' AND visitor_id IN ('v-shared', 'v-alice', 'v-carol', 'v-anon') ORDER BY visitor_id",
  );
  expect(rows).toEqual([
    { visitor_id: 'v-alice', customer_id: 'alice' },
    { visitor_id: 'v-carol', customer_id: 'carol' },
    { visitor_id: 'v-shared', customer_id: 'bob' },
  ]);
});

it('visitor_profiles.user_id is identity_map’s customer for every visitor, empty for the anonymous', async () => {
  const rows = await p.wh.query<{ visitors: number; differ: number }>(
    `SELECT count() AS visitors, countIf(vp.user_id != ifNull(im.customer_id, '')) AS differ
     FROM spoor.visitor_profiles AS vp
     LEFT JOIN spoor.identity_map AS im ON im.site_id = vp.site_id AND im.visitor_id = vp.visitor_id
     WHERE vp.site_id = 'shop'
     SETTINGS join_use_nulls = 1`,
  );
  expect(Number(rows[0]!.visitors)).toBeGreaterThan(100);
  expect(Number(rows[0]!.differ)).toBe(0);
});

it('counts an order for the user it was sent as, else for its browser’s latest customer', async () => {
  const rows = await p.wh.query<{ customer_id: string; orders: number }>(
    "SELECT customer_id, orders FROM spoor.customer_profiles WHERE site_id = 'shop' AND customer_id IN ('alice', 'bob', 'carol', 'v-shared', 'v-carol') ORDER BY customer_id",
  );
  // Alice bought on the device that is bob's now: the order stays hers, and bob has none.
  expect(rows.map((r) => [r.customer_id, Number(r.orders)])).toEqual([
    ['alice', 1],
    ['carol', 1],
  ]);
});
