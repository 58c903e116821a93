// Segments proven against the raw events: seeded shop traffic goes through the real pipeline, and
// every built-in segment's members equal a plain TypeScript recomputation of its rule.
// More seeds: SPOOR_SEEDS=1,2,3 SPOOR_VISITORS=3000 npx vitest run test/segments
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateTraffic, type Traffic } from '@spoor/traffic';
import {
  BUILTINS,
  SegmentCatalog,
  compileSegment,
  createWriter,
  csvLinesStatement,
  deliverSegmentChanges,
  exportSegment,
  readRows,
  rowsStatement,
  traitKeys,
  activitySql,
  visitorRowsSql,
  type DeliveryPart,
  parseDefinition,
  segmentPreview,
  segmentSizes,
  type ExportRequest,
  type SegmentEntry,
} from '@spoor/segments';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { startPipeline, type TestPipeline } from '@spoor/testkit/pipeline';
import { expectedMembers, expectedPeople, type ExpectedPerson } from '@spoor/testkit/segments-oracle';

const SEED = Number((process.env.SPOOR_SEEDS ?? '21').split(',')[0]);
const VISITORS = Number(process.env.SPOOR_VISITORS ?? 900);
const site = `seg${SEED}`;
const DAY = 86_400_000;

let p: TestPipeline;
let traffic: Traffic;
let people: ExpectedPerson[];
let now: number;
const catalog = new SegmentCatalog(BUILTINS.map((definition) => ({ definition, builtin: true, source: 'built-in' })));

beforeAll(async () => {
  p = await startPipeline(inject('redisUrl'), { site });
  traffic = generateTraffic({ seed: SEED, visitors: VISITORS, site });
  await p.sendAll(traffic.batches);
  await p.drain(120_000);
  const [row] = await p.wh.query<{ today: number }>('SELECT toUInt32(today()) AS today');
  people = expectedPeople(traffic.events, traffic.bots, Number(row!.today));
  now = Date.now();
}, 300_000);

afterAll(async () => {
  await p?.close();
});

async function exportRows(entry: SegmentEntry, req: Partial<ExportRequest> = {}) {
  const out = await exportSegment(p.wh, entry, { format: 'ndjson', now, site, ...req });
  let text = '';
  for await (const chunk of out.chunks) text += chunk;
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const keyOf = (r: Record<string, unknown>) => `${r.customer_id as string}|${r.visitor_id as string}`;

describe('built-in segments equal the recomputation from raw events', () => {
  it.each(BUILTINS.map((d) => d.name))('%s', async (name) => {
    const expected = expectedMembers(people, { now })[name]!;
    const rows = await exportRows(catalog.get(name));
    expect(new Set(rows.map(keyOf))).toEqual(expected);
    // Once per person.
    expect(rows.length).toBe(expected.size);
  });

  it('the generated traffic puts people in every one of them', () => {
    const members = expectedMembers(people, { now });
    for (const [name, set] of Object.entries(members)) expect(set.size, name).toBeGreaterThan(0);
    expect(members.cart_abandoners!.size).toBeGreaterThan(10);
  });

  it('cart_abandoners takes its window and look-back as parameters', async () => {
    const params = { window: '2d', lookback: '9d' };
    const expected = expectedMembers(people, { now, window: 2 * DAY, lookback: 9 * DAY }).cart_abandoners!;
    const rows = await exportRows(catalog.get('cart_abandoners'), { params });
    expect(new Set(rows.map(keyOf))).toEqual(expected);
    expect(expected.size).toBeLessThan(expectedMembers(people, { now }).cart_abandoners!.size);
  });

  it('sizes of all segments in one pass equal the recomputation, and the streamed reader agrees with the paged one', async () => {
    const expected = expectedMembers(people, { now });
    const sizes = await segmentSizes(p.wh, catalog.list(), { site, now });
    expect(Object.fromEntries(sizes)).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.size])));
    const paged = await exportRows(catalog.get('repeat_buyers'), { mode: 'paged', pageSize: 7 });
    const streamed = await exportRows(catalog.get('repeat_buyers'), { mode: 'stream', pageSize: 7 });
    expect(streamed).toEqual(paged);
  });
});

describe('CSV files rendered by the engine', () => {
  // Every built-in exports some columns of every kind (text, money, counts, scores, times, floats).
  it.each(BUILTINS.map((d) => d.name))('%s: the same file as the rows through the CSV writer', async (name) => {
    const entry = catalog.get(name);
    const out = await exportSegment(p.wh, entry, { format: 'csv', now, site, pageSize: 50 });
    let text = '';
    for await (const chunk of out.chunks) text += chunk;
    const stmt = rowsStatement(compileSegment(entry.definition, { now }), await traitKeys(p.wh, entry.definition, site), { database: p.wh.database, site });
    expect(await csvLinesStatement(p.wh, stmt)).toBeDefined();
    const writer = createWriter('csv', stmt.columns);
    let expected = writer.header();
    for await (const page of readRows(p.wh, stmt, { mode: 'paged', pageSize: 50 })) expected += writer.rows(page);
    expect(text.split('\n')).toEqual(expected.split('\n'));
  });
});

describe('person rows read visitor_activity with FINAL', () => {
  it('the same visitor rows as visitor_profiles, bots and every column included (EXCEPT both ways)', async () => {
    const columns = `site_id, visitor_id, user_id, first_seen, last_seen, sessions, pageviews, clicks, cart_adds, cart_removes, checkouts,
      last_page, device_type, browser, os, first_referrer_domain, first_utm_source, first_utm_medium, first_utm_campaign,
      last_referrer_domain, last_utm_source, last_utm_medium, last_utm_campaign, last_cart_id, last_cart_quantity, last_cart_value,
      last_cart_change_at, last_purchase_at, is_bot, cookieless`;
    // Visitors of a site of their own whose states are in two parts, some flagged as bots by the second.
    for (const [offset, bot] of [
      [100, '0'],
      [50, 'number % 5 = 0'],
    ] as const) {
      await p.wh.command(
        `INSERT INTO spoor.visitor_activity (site_id, visitor_id, first_seen, last_seen, user_id, sessions, last_cart, last_cart_change_at, is_bot)
         SELECT 'final-parts', concat('fp', toString(number)) AS visitor, now64(3) - toIntervalSecond(${offset} + number) AS at, at,
           arrayReduce('argMaxIfState', [if(number % 3 = 0, concat('u', toString(number % 6)), '')], [at], [toUInt8(number % 3 = 0)]),
           arrayReduce('uniqExactIfState', [concat('s', toString(number), '-', toString(${offset}))], [toUInt8(1)]),
           arrayReduce('argMaxIfState', [(concat('cart-', toString(${offset})), toUInt32(1 + number % 3), toDecimal64(9.5, 4))], [at], [toUInt8(number % 2 = 0)]),
           arrayReduce('maxIfState', [at], [toUInt8(number % 2 = 0)]), toUInt8(${bot})
         FROM numbers(20) SETTINGS async_insert = 0`,
      );
    }
    const view = `SELECT ${columns} FROM spoor.visitor_profiles`;
    const final = `SELECT ${columns} FROM ${visitorRowsSql('spoor')}`;
    const [counts] = await p.wh.query<{ n: number; bots: number; carts: number; parts: number }>(
      `SELECT count() AS n, countIf(is_bot = 1) AS bots, countIf(last_cart_change_at IS NOT NULL) AS carts,
         (SELECT count() FROM (SELECT visitor_id FROM spoor.visitor_activity GROUP BY visitor_id HAVING uniqExact(_part) > 1)) AS parts
       FROM (${final})`,
    );
    // Live: visitors with bots and carts among them, and visitors whose rows are in several parts.
    expect(counts!.n).toBeGreaterThan(100);
    expect(counts!.bots).toBeGreaterThan(0);
    expect(counts!.carts).toBeGreaterThan(0);
    expect(counts!.parts).toBeGreaterThan(0);
    expect(await p.wh.query(`SELECT * FROM (${view}) EXCEPT SELECT * FROM (${final})`)).toEqual([]);
    expect(await p.wh.query(`SELECT * FROM (${final}) EXCEPT SELECT * FROM (${view})`)).toEqual([]);
  });
});

describe('person rows group only identified browsers', () => {
  /** The shape before: every browser grouped by (site, customer, anonymous visitor), over the view. */
  const grouped = (filter: string) => `
    SELECT site_id, user_id AS customer_id, if(user_id = '', visitor_id, '') AS anon_id,
      if(customer_id != '', customer_id, anon_id) AS customer_key,
      argMax(visitor_id, last_seen) AS a_visitor_id, count() AS a_browsers, min(first_seen) AS a_first_seen,
      max(last_seen) AS a_last_seen, sum(sessions) AS a_sessions, sum(pageviews) AS a_pageviews, sum(clicks) AS a_clicks,
      sum(cart_adds) AS a_cart_adds, sum(cart_removes) AS a_cart_removes, sum(checkouts) AS a_checkouts,
      argMaxIf(last_page, last_seen, last_page != '') AS a_last_page,
      argMax((device_type, browser, os), last_seen) AS a_device,
      argMin((first_referrer_domain, first_utm_source, first_utm_medium, first_utm_campaign), first_seen) AS a_first_touch,
      argMaxIf((last_referrer_domain, last_utm_source, last_utm_medium, last_utm_campaign), last_seen,
        last_referrer_domain != '' OR last_utm_source != '') AS a_last_touch,
      argMaxIf((last_cart_id, last_cart_quantity, last_cart_value), last_cart_change_at, last_cart_change_at IS NOT NULL) AS a_cart,
      max(last_cart_change_at) AS a_last_cart_change_at, max(last_purchase_at) AS a_last_purchase_at
    FROM spoor.visitor_profiles WHERE ${filter}
    GROUP BY site_id, customer_id, anon_id`;

  it.each([['is_bot = 0 AND cookieless = 0'], ['1 = 1']])('the same rows and types as grouping every browser (%s, EXCEPT both ways)', async (filter) => {
    const before = grouped(filter);
    const after = activitySql('spoor', [filter]);
    const [n] = await p.wh.query<{ people: number; anonymous: number; multi: number; carts: number }>(
      `SELECT count() AS people, countIf(customer_id = '') AS anonymous, countIf(a_browsers > 1) AS multi,
         countIf(a_last_cart_change_at IS NOT NULL) AS carts FROM (${after})`,
    );
    // Live: anonymous people, customers of several browsers, carts.
    expect(n!.anonymous).toBeGreaterThan(10);
    expect(n!.multi).toBeGreaterThan(0);
    expect(n!.carts).toBeGreaterThan(0);
    expect(n!.people).toBe(Number((await p.wh.query<{ n: number }>(`SELECT count() AS n FROM (${before})`))[0]!.n));
    expect(await p.wh.query(`SELECT * FROM (${before}) EXCEPT SELECT * FROM (${after})`)).toEqual([]);
    expect(await p.wh.query(`SELECT * FROM (${after}) EXCEPT SELECT * FROM (${before})`)).toEqual([]);
    const types = async (sql: string) => (await p.wh.query<{ name: string; type: string }>(`DESCRIBE TABLE (${sql})`)).map((c) => `${c.name} ${c.type}`);
    expect(await types(after)).toEqual(await types(before));
  });
});

describe('paged reading on the embedded engine', () => {
  const scratchTables = async () => (await p.wh.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = 'spoor_scratch'"))[0]!.n;

  it('reads a snapshot in pages and drops it when the reader stops early, and at the end', async () => {
    const out = await exportSegment(p.wh, catalog.get('cart_abandoners'), { format: 'csv', now, site, mode: 'paged', pageSize: 50 });
    expect((await out.chunks.next()).value).toMatch(/^customer_id,visitor_id,/);
    expect((await out.chunks.next()).value).toMatch(/\n/);
    expect(await scratchTables()).toBe(1);
    await out.chunks.return(undefined);
    expect(await scratchTables()).toBe(0);
    await exportRows(catalog.get('cart_abandoners'), { mode: 'paged', pageSize: 50 });
    expect(await scratchTables()).toBe(0);
  });
});

describe('the person grain', () => {
  it('a customer with several browsers is one row, named by their most recently seen browser, with their email', async () => {
    const multi = people.filter((x) => x.customer_id && x.browsers.length > 1 && (x.customer?.orders ?? 0) >= 1);
    expect(multi.length).toBeGreaterThan(0);
    const rows = await exportRows(catalog.get('repeat_buyers'), { params: { min_orders: 1 } });
    const byCustomer = new Map(rows.filter((r) => r.customer_id).map((r) => [r.customer_id, r]));
    expect(byCustomer.size).toBe(rows.filter((r) => r.customer_id).length);
    for (const x of multi) {
      const row = byCustomer.get(x.customer_id)!;
      expect(row.visitor_id).toBe(x.visitor_id);
      expect(row.email).toBe(`${x.customer_id}@example.com`);
      expect(row.orders).toBe(x.customer!.orders);
    }
  });

  it('export columns start with customer_id and visitor_id, then traits, then the qualifying figures', async () => {
    const rows = await exportRows(catalog.get('cart_abandoners'));
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['customer_id', 'visitor_id', 'email']);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['last_cart_quantity', 'last_cart_value', 'last_cart_change_at', 'site_id']));
    const expected = new Map(people.map((x) => [x.key, x]));
    for (const r of rows) {
      const x = expected.get(keyOf(r))!;
      expect(r.last_cart_quantity).toBe(x.last_cart_quantity);
      expect(r.site_id).toBe(site);
    }
    // Anonymous people have an empty customer id.
    expect(rows.some((r) => r.customer_id === '')).toBe(true);
  });

  it('previews show the size and the first rows', async () => {
    const preview = await segmentPreview(p.wh, catalog.get('cart_abandoners'), { site, now, limit: 5 });
    expect(preview.size).toBe(expectedMembers(people, { now }).cart_abandoners!.size);
    expect(preview.rows).toHaveLength(5);
    expect(preview.params).toEqual({ window: '1h', lookback: '30d' });
  });
});

describe('custom definitions', () => {
  const custom = (data: Record<string, unknown>): SegmentEntry => ({ definition: parseDefinition(data), builtin: false, source: 'test' });

  it('event counts in a window, traits and product interest', async () => {
    const personOf = new Map(people.flatMap((x) => x.browsers.map((b) => [b.visitor_id, x] as const)));
    const cutoff = now - 7 * DAY;
    const recentAdders = new Set<string>();
    const teaBuyers = new Set<string>();
    for (const e of traffic.events) {
      const x = personOf.get(e.visitor_id);
      if (!x) continue;
      if (e.type === 'cart_add' && e.ts >= cutoff) recentAdders.add(x.key);
      if (e.type === 'purchase' && x.customer_id && e.order.items?.some((i) => i.category === 'Tea')) teaBuyers.add(x.key);
    }
    const rows = await exportRows(custom({ name: 'recent_adders', where: { event: 'cart_add', within: '7d' } }));
    expect(new Set(rows.map(keyOf))).toEqual(recentAdders);
    expect(rows[0]).toHaveProperty('cart_add_7d');
    const tea = await exportRows(custom({ name: 'tea', where: { all: [{ interest: { category: 'Tea' } }, { trait: 'email', exists: true }] } }));
    expect(new Set(tea.map(keyOf))).toEqual(teaBuyers);
    expect(teaBuyers.size).toBeGreaterThan(0);
    // Absence: added to a cart once, but not in the last 7 days.
    const lapsedAdders = new Set(people.filter((x) => x.cart_adds > 0 && !recentAdders.has(x.key)).map((x) => x.key));
    const absent = await exportRows(
      custom({
        name: 'cold',
        where: {
          all: [
            { field: 'cart_adds', gte: 1 },
            { absent: 'cart_add', since: '7d' },
          ],
        },
      }),
    );
    expect(new Set(absent.map(keyOf))).toEqual(lapsedAdders);
    expect(lapsedAdders.size).toBeGreaterThan(0);
  });

  it('a value that tries to break out of its string stays a value', async () => {
    const attempts = ["x' OR '1'='1", "'); DROP TABLE spoor.events; --", "\\' OR 1=1 --", '{p0:String}', "desktop' OR device_type != '"];
    const [before] = await p.wh.query<{ n: number }>('SELECT count() AS n FROM spoor.events');
    for (const value of attempts) {
      const entry = custom({
        name: 'inject',
        where: { any: [{ field: 'device_type', eq: value }, { trait: 'email', eq: value }, { interest: { category: value } }] },
      });
      const compiled = compileSegment(entry.definition, { now });
      expect(compiled.where).not.toContain(value);
      expect(await exportRows(entry)).toEqual([]);
    }
    const [after] = await p.wh.query<{ n: number }>('SELECT count() AS n FROM spoor.events');
    expect(after!.n).toBe(before!.n);
    // The same definition with an honest value matches people.
    const honest = await exportRows(custom({ name: 'desktop', where: { field: 'device_type', eq: 'desktop' } }));
    expect(honest.length).toBeGreaterThan(0);
  });

  it('an empty segment exports a CSV header and nothing else', async () => {
    const entry = custom({ name: 'nobody', where: { field: 'orders', gte: 1_000_000 } });
    const out = await exportSegment(p.wh, entry, { format: 'csv', now, site });
    let text = '';
    for await (const chunk of out.chunks) text += chunk;
    expect(text).toMatch(/^customer_id,visitor_id,email,[a-z,]*orders,site_id\n$/);
  });
});

describe('webhook delivery of who entered and who left', () => {
  /** A receiver that answers with the given statuses in turn (then 200) and keeps what it got. */
  async function receiver(statuses: number[] = []) {
    const got: Array<{ body: DeliveryPart; headers: IncomingMessage['headers'] }> = [];
    let calls = 0;
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        const status = statuses[calls++] ?? 200;
        if (status === 200) got.push({ body: JSON.parse(text) as DeliveryPart, headers: req.headers });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?key=secret`;
    return { url, got, calls: () => calls, close: () => new Promise((r) => server.close(r)) };
  }

  it('posts everyone first, then only the changes, in parts, retrying a failing receiver', async () => {
    const entry = catalog.get('cart_abandoners');
    const hook = await receiver([503]);
    const opts = { url: hook.url, site, backoffMs: 5, partSize: 100, secret: 'shh' };
    const first = await deliverSegmentChanges(p.wh, entry, { ...opts, now: Date.now() });
    const size = expectedMembers(people, { now: Date.now() }).cart_abandoners!.size;
    expect(first).toMatchObject({ members: size, entered: size, left: 0, previousRunId: undefined });
    expect(hook.calls()).toBe(first.requests + 1);
    expect(hook.got.map((g) => g.body.part)).toEqual(Array.from({ length: first.requests }, (_, i) => i + 1));
    expect(hook.got.map((g) => g.body.last)).toEqual(hook.got.map((_, i) => i === first.requests - 1));
    expect(
      hook.got
        .flatMap((g) => g.body.entered)
        .map((r) => keyOf(r))
        .sort(),
    ).toEqual([...expectedMembers(people, { now: Date.now() }).cart_abandoners!].sort());
    expect(hook.got[0]!.headers['x-spoor-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

    // One abandoner buys (leaves), one new visitor leaves a cart two hours ago (enters).
    const buyer = hook.got[0]!.body.entered[0]!;
    const t = Date.now() - 2 * 3_600_000;
    const events = [
      makeEvent('purchase', {
        visitor_id: buyer.visitor_id as string,
        ts: Date.now() - 60_000,
        order: { order_id: 'o-webhook', revenue: 5, currency: 'EUR', items: [{ id: 'p1', name: 'Tea', price: 5, quantity: 1 }] },
      }),
      makeEvent('cart_add', {
        visitor_id: 'v-newcomer',
        ts: t,
        cart: { cart_id: 'c-new', items: [{ id: 'p1', name: 'Tea', price: 5, quantity: 1 }], value: 5 },
      }),
    ];
    expect((await p.send({ body: makeBatch(events, { site }), userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0' })).status).toBe(202);
    await p.drain();
    hook.got.length = 0;

    const second = await deliverSegmentChanges(p.wh, entry, { ...opts, now: Date.now() });
    expect(second).toMatchObject({ previousRunId: first.runId, entered: 1, left: 1, members: size, requests: 1 });
    expect(hook.got).toHaveLength(1);
    expect(hook.got[0]!.body.entered.map((r) => r.visitor_id)).toEqual(['v-newcomer']);
    expect(hook.got[0]!.body.left.map((r) => keyOf(r))).toEqual([keyOf(buyer)]);
    // Nothing changed: one empty, final part.
    hook.got.length = 0;
    const third = await deliverSegmentChanges(p.wh, entry, { ...opts, now: Date.now() });
    expect(third).toMatchObject({ entered: 0, left: 0, requests: 1 });
    expect(hook.got[0]!.body).toMatchObject({ entered: [], left: [], last: true });
    await hook.close();
  });

  it('a refused delivery is an error and the next run diffs against the last delivered one', async () => {
    const entry = catalog.get('repeat_buyers');
    const refusing = await receiver([400]);
    const opts = { url: refusing.url, site, backoffMs: 5 };
    await expect(deliverSegmentChanges(p.wh, entry, opts)).rejects.toThrow('refused the delivery: HTTP 400');
    const again = await deliverSegmentChanges(p.wh, entry, opts);
    expect(again.previousRunId).toBeUndefined();
    expect(again.entered).toBe(again.members);
    // The refused run left no members behind: the feed holds only the delivered run.
    const [runs] = await p.wh.query<{ n: number }>(
      'SELECT uniqExact(run_id) AS n FROM spoor.segment_snapshots WHERE feed IN (SELECT feed FROM spoor.segment_runs WHERE run_id = {r:UInt64})',
      { r: again.runId },
    );
    expect(runs!.n).toBe(1);
    await refusing.close();
  });
});
