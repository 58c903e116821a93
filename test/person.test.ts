// One definition of a person (docs/SCHEMA.md, "Who is a person"): a visitor belongs to the customer
// it was most recently identified as. identity_map is its home; visitor_profiles.user_id keeps the
// same answer per visitor so activity reads need no join (checked equal here on shared devices and
// generated traffic); an order counts for the user it was sent as, else for its browser's customer.
// Each reader of the rule (profiles, predictions, segments, the workspace's queries and page,
// personalization) is checked to agree with identity_map.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { createAdminApp } from '@spoor/admin';
import { customerDevices, searchCustomers } from '@spoor/reports';
import { createPersonalization } from '@spoor/personalization';
import { loadCatalog, peopleSql, type PeopleNeeds } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { openReader } from '@spoor/warehouse';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const MIN = 60_000;
const order = (order_id: string) => ({ order_id, revenue: '10', currency: 'EUR', items: [{ id: 'SKU-1', name: 'Tea', price: '10', quantity: 1 }] });
const TOKEN = 'admin-token-for-tests-0123456789';
/** Person rows with every join (bots and cookieless visitors too, so every browser is someone). */
const NEEDS: PeopleNeeds = { transactions: true, traits: true, predictions: false, events: [] };
const ALL = { bots: true, cookieless: true };
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

// Every reader of the rule agrees with identity_map: no browser identified as a customer is ever
// a person of its own, and a customer's browsers are exactly identity_map's.
it('no identified browser is a person of its own in profiles, predictions or segments', async () => {
  const identified = `(site_id, x) IN (SELECT site_id, visitor_id FROM spoor.identity_map)`;
  const readers = {
    customer_profiles: `SELECT count() AS n FROM (SELECT site_id, customer_id AS x FROM spoor.customer_profiles) WHERE ${identified}`,
    prediction_inputs: `SELECT count() AS n FROM (SELECT site_id, customer_id AS x FROM spoor.prediction_inputs(as_of = today())) WHERE ${identified}`,
    segments: `SELECT count() AS n FROM (SELECT site_id, substring(person, 3) AS x FROM (${peopleSql(NEEDS, { database: 'spoor', include: ALL }).sql}) WHERE startsWith(person, 'v:')) WHERE ${identified}`,
  };
  for (const [reader, sql] of Object.entries(readers)) {
    const [row] = await p.wh.query<{ n: number }>(sql);
    expect([reader, Number(row!.n)]).toEqual([reader, 0]);
  }
  // The same customers with orders in the profiles and the prediction inputs.
  const [diff] = await p.wh.query<{ profiles: number; inputs: number; both: number }>(
    `SELECT (SELECT count() FROM spoor.customer_profiles WHERE site_id = 'shop') AS profiles,
            (SELECT count() FROM spoor.prediction_inputs(as_of = today()) WHERE site_id = 'shop') AS inputs,
            (SELECT count() FROM spoor.customer_profiles AS c
             INNER JOIN (SELECT site_id, customer_id FROM spoor.prediction_inputs(as_of = today())) AS i ON i.site_id = c.site_id AND i.customer_id = c.customer_id
             WHERE c.site_id = 'shop') AS both`,
  );
  expect(Number(diff!.profiles)).toBeGreaterThan(10);
  expect([Number(diff!.inputs), Number(diff!.both)]).toEqual([Number(diff!.profiles), Number(diff!.profiles)]);
});

it('segments see a person per customer with all of identity_map’s browsers, else per anonymous browser', async () => {
  const rows = peopleSql(NEEDS, { database: 'spoor', include: ALL, site: 'shop' });
  const people = await p.wh.query<{ person: string; browsers: number }>(`SELECT person, browsers FROM (${rows.sql}) ORDER BY person`, rows.binds);
  const expected = await p.wh.query<{ person: string; browsers: number }>(
    `SELECT if(ifNull(im.customer_id, '') != '', concat('c:', im.customer_id), concat('v:', v.visitor_id)) AS person, count() AS browsers
     FROM (SELECT DISTINCT site_id, visitor_id FROM spoor.visitor_activity WHERE site_id = 'shop') AS v
     LEFT JOIN spoor.identity_map AS im ON im.site_id = v.site_id AND im.visitor_id = v.visitor_id
     GROUP BY person ORDER BY person
     SETTINGS join_use_nulls = 1`,
  );
  expect(people.map((r) => [r.person, Number(r.browsers)])).toEqual(expected.map((r) => [r.person, Number(r.browsers)]));
  expect(people.find((r) => r.person === 'c:bob')?.browsers).toBe(1);
  expect(people.find((r) => r.person === 'c:alice')?.browsers).toBe(1);
});

it('the workspace shows a customer’s browsers as identity_map has them, and sends a browser to its customer', async () => {
  const customers = await p.wh.query<{ customer_id: string; visitors: string[] }>(
    "SELECT customer_id, arraySort(groupArray(visitor_id)) AS visitors FROM spoor.identity_map WHERE site_id = 'shop' GROUP BY customer_id ORDER BY length(visitors) DESC, customer_id LIMIT 20",
  );
  expect(customers.some((c) => c.visitors.length > 1)).toBe(true);
  for (const c of customers) {
    const devices = await customerDevices(p.wh, 'shop', c.customer_id);
    expect([c.customer_id, devices.rows.map((d) => d.visitor_id).sort()]).toEqual([c.customer_id, c.visitors]);
  }
  for (const [visitor, customer] of [
    ['v-shared', 'bob'],
    ['v-carol', 'carol'],
    ['v-anon', 'v-anon'],
  ]) {
    const found = await searchCustomers(p.wh, 'shop', visitor!);
    expect(found.rows.map((m) => m.customer_id)).toEqual([customer]);
  }
  const { app } = createAdminApp({ warehouse: p.wh, token: TOKEN, segments: () => loadCatalog() });
  const signIn = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const shared = await app.request('/admin/customers/v-shared?site=shop', { headers: { cookie } });
  expect(shared.headers.get('location')).toBe('/admin/customers/bob?site=shop');
});

it('personalization answers for a customer with identity_map’s browsers, and for a browser as its customer', async () => {
  const reader = await openReader(p.wh);
  try {
    const personalization = createPersonalization(reader, { segments: () => loadCatalog(), lookupTimeoutMs: 60_000 });
    const policy = { site: 'shop', exposeTraits: [], exposeSegments: [], repurchaseProducts: [] };
    const customers = await p.wh.query<{ customer_id: string; visitors: string[] }>(
      "SELECT customer_id, arraySort(groupArray(visitor_id)) AS visitors FROM spoor.identity_map WHERE site_id = 'shop' GROUP BY customer_id ORDER BY customer_id IN ('alice', 'bob', 'carol') DESC, length(visitors) DESC, customer_id LIMIT 20",
    );
    expect(customers.map((c) => c.customer_id)).toEqual(expect.arrayContaining(['alice', 'bob', 'carol']));
    for (const c of customers) {
      const profile = await personalization.profile(policy, c.customer_id);
      expect([c.customer_id, profile?.kind, [...(profile?.visitor_ids ?? [])].sort()]).toEqual([c.customer_id, 'customer', c.visitors]);
    }
    // The shared device was alice's first and is bob's now: its profile is bob's.
    expect((await personalization.profile(policy, 'v-shared'))?.customer_id).toBe('bob');
  } finally {
    await reader.close();
  }
});
