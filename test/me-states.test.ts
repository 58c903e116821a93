// /v1/me's and /v1/profiles' states read in batches and kept between lookups
// (packages/personalization/src/kept-states.ts),
// over the real pipeline (collector → BullMQ on the run's Redis → worker → embedded ClickHouse):
// a batch read gives every visitor exactly what reading them one by one gives; a kept state
// answers without a query; what the worker says it inserted is seen by the next lookup; erasure,
// age, the site's trait list and a full store all end a kept state's use.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forget } from '@spoor/erasure';
import type { SpoorEventInput } from '@spoor/events';
import {
  createPersonalization,
  loadMeStates,
  loadProfileStates,
  partnerCache,
  type MeState,
  type Personalization,
  type SitePolicy,
} from '@spoor/personalization';
import { loadCatalog } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { openReader, type WarehouseReader } from '@spoor/warehouse';
import type { Touched } from '@spoor/worker';
import { makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { waitFor } from '@spoor/testkit/wait';

const SITE = 'shop';
const POLICY: SitePolicy = { site: SITE, exposeTraits: ['first_name'], exposeSegments: [], repurchaseProducts: [] };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

let p: TestPipeline;
let reader: WarehouseReader;
/** Every query the personalization sent, but the erasure list's polls; and how many are running. */
const queries: string[] = [];
let running = 0;
let clock = Date.now();
const listeners: Array<(t: Touched) => void> = [];

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'), { site: SITE, worker: { onTouched: (ts) => ts.forEach((t) => listeners.forEach((l) => l(t))) } });
  const real = await openReader(p.wh);
  reader = {
    database: real.database,
    close: () => real.close(),
    async query(sql, params, opts) {
      if (/FROM \S+\.forgotten$/.test(sql.trim())) return real.query(sql, params, opts);
      queries.push(sql);
      running++;
      try {
        return await real.query(sql, params, opts);
      } finally {
        running--;
      }
    },
  };
}, 60_000);

afterAll(async () => {
  await reader?.close();
  await p?.close();
});

function kept(opts: { maxAgeMs?: number; expireMs?: number; maxEntries?: number } = {}): Personalization {
  const pz = createPersonalization(reader, { segments: () => loadCatalog(), lookupTimeoutMs: 60_000, keepStates: true, states: opts, now: () => clock });
  listeners.push((t) => pz.touched(t));
  return pz;
}

async function send(events: SpoorEventInput[]) {
  const res = await p.collector.app.request('/v1/batch', {
    method: 'POST',
    body: JSON.stringify({ site: SITE, batch_id: crypto.randomUUID(), sent_at: Date.now(), events }),
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER, origin: 'https://shop.example' },
  });
  expect(res.status).toBe(202);
  await p.drain();
}

/** Waits until a lookup answers from a kept state, without a query (the erasure list checked once, no read under way). */
const answersKept = (lookup: () => Promise<unknown>, what: string) =>
  waitFor(
    async () => {
      await lookup();
      const n = queries.length;
      await lookup();
      return queries.length === n && running === 0;
    },
    10_000,
    `the kept state of ${what}`,
  );
const settled = (pz: Personalization, v: string) => answersKept(() => pz.me(POLICY, v), v);

const sorted = (s: MeState) =>
  s.kind === 'known'
    ? {
        ...s,
        visitor: { ...s.visitor, bought: [...s.visitor.bought].sort() },
        customer: s.customer && { ...s.customer, products: [...s.customer.products].sort() },
      }
    : s;

describe('/v1/me states', () => {
  it('reads many visitors in one batch exactly as one by one: no visitor gets another one’s rows', async () => {
    const traffic = generateTraffic({
      seed: 11,
      visitors: 120,
      site: SITE,
      origin: 'https://shop.example',
      affinity: 0.8,
      resendBatchRate: 0,
      resendEventsRate: 0,
    });
    await p.sendAll(traffic.batches, 8);
    await p.drain();
    const ids = [...new Set(traffic.events.map((e) => e.visitor_id))].sort();
    const deps = { db: reader, partners: partnerCache({ ttlMs: 60_000 }) };
    const together = await loadMeStates(deps, SITE, ids, ['first_name']);
    const known = [...together.values()].filter((s) => s.kind === 'known');
    // The traffic has what a batch could mix up: carts, customers, orders.
    expect(known.length).toBeGreaterThan(50);
    expect(known.some((s) => s.kind === 'known' && s.cart)).toBe(true);
    expect(known.some((s) => s.kind === 'known' && s.customer && s.customer.orders > 0)).toBe(true);
    for (const id of ids) {
      const alone = (await loadMeStates(deps, SITE, [id], ['first_name'])).get(id)!;
      expect(sorted(together.get(id)!), id).toEqual(sorted(alone));
    }
  }, 180_000);

  it('reads many profiles in one batch exactly as one by one: customers, their browsers, anonymous shoppers, unknown ids', async () => {
    // The traffic of the first test is in by now (tests of a file run in order).
    const [users, browsers] = await Promise.all([
      p.wh.query<{ id: string }>("SELECT DISTINCT user_id AS id FROM spoor.identities WHERE site_id = 'shop' ORDER BY id"),
      p.wh.query<{ id: string }>("SELECT DISTINCT visitor_id AS id FROM spoor.visitor_activity WHERE site_id = 'shop' ORDER BY id LIMIT 150"),
    ]);
    const ids = [...users.map((r) => r.id), ...browsers.map((r) => r.id), 'never-seen'];
    const deps = { db: reader, partners: partnerCache({ ttlMs: 60_000 }) };
    const together = await loadProfileStates(deps, SITE, ids);
    const found = [...together.values()].filter((s) => s !== undefined);
    expect(found.some((s) => s.kind === 'customer' && s.figures && s.visitorIds.length > 0)).toBe(true);
    expect(found.some((s) => s.kind === 'visitor' && s.anonymous && s.figures)).toBe(true);
    expect(found.some((s) => s.cart)).toBe(true);
    expect(together.get('never-seen')).toBeUndefined();
    const tidy = (s: (typeof found)[number] | undefined) =>
      s && {
        ...s,
        activity: [...s.activity].sort((a, b) => (a.visitor_id < b.visitor_id ? -1 : 1)),
        figures: s.figures && { ...s.figures, products: [...s.figures.products].sort(), categories: [...s.figures.categories].sort() },
      };
    for (const id of ids) expect(tidy(together.get(id)), id).toEqual(tidy((await loadProfileStates(deps, SITE, [id])).get(id)));
  }, 180_000);

  it('answers a kept state without a query, and the next lookup after an insert sees it', async () => {
    const pz = kept();
    const v = 'ks-cart';
    await send([makeEvent('pageview', { visitor_id: v, session_id: 'ks-s1' })]);
    expect(await pz.me(POLICY, v)).toMatchObject({ known: true, visits: 1 });
    await settled(pz, v);
    const before = queries.length;
    for (let i = 0; i < 5; i++) expect(await pz.me(POLICY, v)).toMatchObject({ known: true });
    expect(queries.length).toBe(before);

    const item = { id: 'KS-MUG', name: 'Mug', price: '8.00', quantity: 1, currency: 'EUR' };
    await send([makeEvent('cart_add', { visitor_id: v, session_id: 'ks-s1', item, cart: { cart_id: 'ks-c', items: [item], value: '8.00', currency: 'EUR' } })]);
    // The worker said it inserted rows of v before its jobs were acknowledged (drain): no waiting.
    const answer = await pz.me(POLICY, v);
    expect(answer).toMatchObject({ known: true, cart: { cart_id: 'ks-c', items: [{ id: 'KS-MUG', quantity: 1 }] } });
    expect(queries.length).toBeGreaterThan(before);
    pz.close();
  }, 60_000);

  it('reads the lookups waiting at one moment together: fifty visitors in a handful of queries', async () => {
    const pz = kept();
    const ids = Array.from({ length: 50 }, (_, i) => `ks-many-${i}`);
    await send(ids.map((v) => makeEvent('pageview', { visitor_id: v, session_id: `${v}-s` })));
    const before = queries.length;
    const answers = await Promise.all(ids.map((v) => pz.me(POLICY, v)));
    expect(answers.every((a) => a.known)).toBe(true);
    // Two batches start at once (one visitor each), the other 48 wait for the next: two queries each.
    expect(queries.length - before).toBeLessThanOrEqual(6);
    pz.close();
  }, 60_000);

  it('sees another browser of the same customer: an order there updates this browser’s customer', async () => {
    const pz = kept();
    const [a, b] = ['ks-user-a', 'ks-user-b'];
    await send([
      makeEvent('identify', { visitor_id: a, user_id: 'ks-ada', session_id: 'ks-a1' }),
      makeEvent('identify', { visitor_id: b, user_id: 'ks-ada', session_id: 'ks-b1' }),
    ]);
    expect(await pz.me(POLICY, a)).toMatchObject({ customer: { orders: 0 } });
    await settled(pz, a);
    await send([
      makeEvent('purchase', {
        visitor_id: b,
        user_id: 'ks-ada',
        session_id: 'ks-b1',
        order: { order_id: 'KS-O1', revenue: '20.00', currency: 'EUR', items: [{ id: 'KS-TEAPOT', name: 'Teapot', price: '20.00', quantity: 1 }] },
      }),
    ]);
    expect(await pz.me(POLICY, a)).toMatchObject({ customer: { orders: 1, lifecycle: 'new' } });
    pz.close();
  }, 60_000);

  it('answers {known: false} for a kept visitor as soon as the erasure list is checked again', async () => {
    const pz = kept();
    const v = 'ks-gone';
    await send([makeEvent('pageview', { visitor_id: v, session_id: 'ks-g1' })]);
    await settled(pz, v);
    await forget(p.wh, { visitorId: v, site: SITE });
    // Checked four times a second; a busy machine may delay a check, not skip it.
    await waitFor(async () => !(await pz.me(POLICY, v)).known, 3_000, 'unknown after forget');
    // And stays so however often it is asked.
    for (let i = 0; i < 3; i++) expect(await pz.me(POLICY, v)).toEqual({ known: false });
    pz.close();
  }, 90_000);

  it('answers {known: false} the moment forget returns when told of the suppression (what spoor up and spoor forget do)', async () => {
    const pz = kept();
    const v = 'ks-gone-told';
    await send([makeEvent('pageview', { visitor_id: v, session_id: 'ks-gt1' })]);
    await settled(pz, v);
    const told: unknown[] = [];
    await forget(p.wh, {
      visitorId: v,
      onSuppressed: (erased) => {
        told.push(erased);
        pz.touched(erased);
      },
    });
    expect(told).toEqual([{ site: '', visitors: [v], users: [] }]);
    expect(await pz.me(POLICY, v)).toEqual({ known: false });
    pz.close();
  }, 90_000);

  it('reads a state again once old (in the background), not at all once expired, and under another trait list', async () => {
    const pz = kept({ maxAgeMs: 60_000, expireMs: 600_000 });
    const v = 'ks-age';
    await send([makeEvent('pageview', { visitor_id: v, session_id: 'ks-a1' })]);
    await settled(pz, v);
    let before = queries.length;
    clock += 61_000;
    // Old: answered at once from the kept state, read again behind it.
    expect(await pz.me(POLICY, v)).toMatchObject({ known: true });
    await waitFor(() => queries.length > before, 10_000, 'background read');
    await settled(pz, v);

    before = queries.length;
    clock += 601_000;
    expect(await pz.me(POLICY, v)).toMatchObject({ known: true });
    expect(queries.length).toBeGreaterThan(before);

    await settled(pz, v);
    before = queries.length;
    expect(await pz.me({ ...POLICY, exposeTraits: ['email'] }, v)).toMatchObject({ known: true });
    expect(queries.length).toBeGreaterThan(before);
    pz.close();
  }, 90_000);

  it('keeps at most maxEntries states, the least recently used going first', async () => {
    const pz = kept({ maxEntries: 2 });
    const ids = ['ks-lru-1', 'ks-lru-2', 'ks-lru-3'];
    await send(ids.map((v) => makeEvent('pageview', { visitor_id: v, session_id: `${v}-s` })));
    for (const v of ids.slice(0, 2)) await settled(pz, v);
    await pz.me(POLICY, ids[0]!);
    await settled(pz, ids[2]!);
    // 2 was the least recently used when 3 came: 1 and 3 answer from memory, 2 is read again.
    let before = queries.length;
    await pz.me(POLICY, ids[0]!);
    await pz.me(POLICY, ids[2]!);
    expect(queries.length).toBe(before);
    before = queries.length;
    await pz.me(POLICY, ids[1]!);
    expect(queries.length).toBeGreaterThan(before);
    pz.close();
  }, 60_000);

  it('keeps a /v1/profiles answer too: no query while nothing changed, the new order as soon as it is inserted, nothing once erased', async () => {
    const pz = kept();
    const [a, b] = ['ks-prof-a', 'ks-prof-b'];
    await send([makeEvent('identify', { visitor_id: a, user_id: 'ks-bo', session_id: 'ks-p1' })]);
    const order = (id: string, visitor: string) =>
      makeEvent('purchase', {
        visitor_id: visitor,
        user_id: 'ks-bo',
        session_id: `${visitor}-s`,
        order: { order_id: id, revenue: '10.00', currency: 'EUR', items: [{ id: 'KS-CUP', name: 'Cup', price: '10.00', quantity: 1 }] },
      });
    await send([order('KS-P1', a)]);
    expect((await pz.profile(POLICY, 'ks-bo'))?.transactions.orders).toBe(1);
    await answersKept(() => pz.profile(POLICY, 'ks-bo'), 'the profile of ks-bo');
    // A browser first seen now, as the customer: the user's touch reaches the kept profile.
    await send([makeEvent('identify', { visitor_id: b, user_id: 'ks-bo', session_id: 'ks-p2' }), order('KS-P2', b)]);
    const after = await pz.profile(POLICY, 'ks-bo');
    expect(after?.transactions.orders).toBe(2);
    expect(after?.visitor_ids).toEqual([a, b].sort());
    await forget(p.wh, { userId: 'ks-bo', site: SITE });
    await waitFor(async () => (await pz.profile(POLICY, 'ks-bo')) === undefined, 3_000, 'no profile after forget');
    pz.close();
  }, 90_000);
});
