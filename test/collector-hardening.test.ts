// The hardened collector end to end: a real socket, BullMQ on the run's Redis, the worker and
// embedded ClickHouse. Each bad input of the issue is sent over HTTP and its trace (or absence) is
// read back from `events` and `rejected_events`.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCollector, listen, redisRateLimits, staticSites, type RunningServer } from '@spoor/collector';
import type { SpoorEventInput } from '@spoor/events';
import { createBatchQueue, createRedisConnection, type BatchQueue } from '@spoor/queue';
import { migrate, openWarehouse, type Warehouse } from '@spoor/warehouse';
import { createWorker, type SpoorWorker } from '@spoor/worker';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { tempDir, uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const DAY = 86_400_000;
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let wh: Warehouse;
let queue: BatchQueue;
let worker: SpoorWorker;
const servers: RunningServer[] = [];
const conns: Array<{ disconnect(): void }> = [];
let base: string;

beforeAll(async () => {
  const name = uniqueName('hardening');
  wh = await openWarehouse({ dataDir: tempDir('hardening') });
  await migrate(wh);
  const producer = createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
  const consumer = createRedisConnection({ url: inject('redisUrl'), role: 'worker' });
  conns.push(producer, consumer);
  await waitFor(() => producer.status === 'ready', 10_000, 'redis');
  queue = createBatchQueue({ connection: producer, name });
  worker = createWorker({ connection: consumer, warehouse: wh, queueName: name, maxWaitMs: 50 });
  base = await serve({
    queue,
    sites: staticSites([
      { site: 'shop', origins: ['https://shop.example'] },
      { site: 'quiet', origins: [] },
    ]),
    ipSalt: async () => 'salt',
    rateLimits: redisRateLimits({ redis: producer, keyPrefix: uniqueName('rl') }),
  });
});

afterAll(async () => {
  for (const s of servers) await s.close(1_000);
  await worker?.close();
  await queue?.close();
  for (const c of conns) c.disconnect();
  await wh?.close();
});

async function serve(opts: Parameters<typeof createCollector>[0]): Promise<string> {
  const server = await listen(createCollector(opts).app, 0, '127.0.0.1');
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** As a page of the shop sends it (a POST without Origin is a server-side sender). */
function post(body: unknown, headers: Record<string, string> = {}, url = base) {
  const raw = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return fetch(`${url}/v1/batch`, {
    method: 'POST',
    body: raw as string,
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME, origin: 'https://shop.example', ...headers },
  });
}

async function rows<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
  return wh.query<T>(sql, params);
}

/** Waits until a batch sent after `fn`'s requests has landed, so anything they queued has too. */
async function settled(): Promise<void> {
  const sentinel = makeBatch([makeEvent('custom', { name: 'sentinel' })]);
  expect((await post(sentinel)).status).toBe(202);
  await expect
    .poll(async () => (await rows('SELECT 1 FROM spoor.events WHERE batch_id = {b:String}', { b: sentinel.batch_id })).length, { timeout: 15_000 })
    .toBe(1);
}

const traces = async (batchId: string) =>
  Number(
    (
      await rows<{ n: number }>(
        'SELECT (SELECT count() FROM spoor.events WHERE batch_id = {b:String}) + (SELECT count() FROM spoor.rejected_events WHERE batch_id = {b:String}) AS n',
        { b: batchId },
      )
    )[0]!.n,
  );

describe('bad input over HTTP into ClickHouse', () => {
  it('stores the good events of a batch, clipped ones flagged, and each refused one with reason, path, truncated payload and time', async () => {
    const visitor = `v-${randomUUID()}`;
    const events: SpoorEventInput[] = [
      makeEvent('pageview', { visitor_id: visitor }),
      { ...makeEvent('purchase', { visitor_id: visitor }), order: { order_id: 'o', revenue: -5, currency: 'EUR' } } as never,
      // Over 32 KiB as sent, and still over once clipped: forty values each within its limit.
      makeEvent('custom', { visitor_id: visitor, name: 'big', props: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(1000)])) }),
      makeEvent('click', { visitor_id: visitor }),
      // A 1 MB string is cut to the value limit, and the event stored flagged `clipped`.
      makeEvent('custom', { visitor_id: visitor, name: 'long', props: { s: 'x'.repeat(1_000_000) } }),
    ];
    const batch = makeBatch(events);
    const before = Date.now();
    // gzip: a 1 MB string cannot pass the 256 KiB wire limit otherwise (plain, it is a 413).
    const res = await post(gzipSync(JSON.stringify(batch)), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      accepted: 3,
      rejected: 2,
      errors: [
        { index: 1, reason: 'invalid_event', path: 'events.1.order.revenue' },
        { index: 2, reason: 'event_too_large', path: 'events.2' },
      ],
    });
    const keys = makeBatch([
      makeEvent('pageview'),
      makeEvent('custom', { name: 'keys', props: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }),
    ]);
    expect(await (await post(keys)).json()).toMatchObject({ accepted: 2, rejected: 0 });
    await expect.poll(() => traces(batch.batch_id), { timeout: 15_000 }).toBe(5);
    await expect.poll(() => traces(keys.batch_id), { timeout: 15_000 }).toBe(2);
    expect(
      await rows(
        "SELECT type, name, has(flags, 'clipped') AS clipped, length(props['s']) AS s FROM spoor.events WHERE batch_id = {b:String} ORDER BY type, name",
        { b: batch.batch_id },
      ),
    ).toEqual([
      { type: 'click', name: '', clipped: 0, s: 0 },
      { type: 'custom', name: 'long', clipped: 1, s: 1024 },
      { type: 'pageview', name: '', clipped: 0, s: 0 },
    ]);
    expect(
      await rows("SELECT length(mapKeys(props)) AS n, has(flags, 'clipped') AS clipped FROM spoor.events WHERE batch_id = {b:String} AND type = 'custom'", {
        b: keys.batch_id,
      }),
    ).toEqual([{ n: 100, clipped: 1 }]);
    const rejected = await rows<{ event_index: number; reason: string; path: string; raw_len: number; event_id: string; received: number; stage: string }>(
      `SELECT event_index, reason, path, length(raw) AS raw_len, event_id, toUnixTimestamp64Milli(received_at) AS received, stage
       FROM spoor.rejected_events WHERE batch_id = {b:String} ORDER BY event_index`,
      { b: batch.batch_id },
    );
    expect(rejected.map((r) => [r.event_index, r.reason, r.path, r.event_id, r.stage])).toEqual([
      [1, 'invalid_event', 'events.1.order.revenue', events[1]!.event_id, 'collector'],
      [2, 'event_too_large', 'events.2', events[2]!.event_id, 'collector'],
    ]);
    expect(rejected[1]!.raw_len).toBe(8 * 1024);
    expect(rejected[0]!.received).toBeGreaterThanOrEqual(before);
  });

  it('stores nothing for malformed JSON, a wrong content type, a 300 KiB body, deep nesting or an unknown site', async () => {
    const ids = Array.from({ length: 6 }, () => `bad-${randomUUID()}`);
    const statuses = [
      (await post(`{"site":"shop","batch_id":"${ids[0]}","events":[`)).status,
      (await post(JSON.stringify(makeBatch([makeEvent('pageview')], { batch_id: ids[1] })), { 'content-type': 'application/x-www-form-urlencoded' })).status,
      (
        await post(
          JSON.stringify(makeBatch([makeEvent('custom', { name: 'x', props: { s: 'y'.repeat(1000) }, title: 'z'.repeat(1000) })], { batch_id: ids[2] })).padEnd(
            300 * 1024,
            ' ',
          ),
        )
      ).status,
      (await post(gzipSync(`{"site":"shop","batch_id":"${ids[3]}","events":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`), { 'content-encoding': 'gzip' }))
        .status,
      (await post(makeBatch([makeEvent('pageview')], { site: 'nobody', batch_id: ids[4] }))).status,
      (await post(makeBatch([makeEvent('pageview')], { batch_id: ids[5] }), { 'content-type': 'application/json', 'content-encoding': 'br' })).status,
    ];
    expect(statuses).toEqual([400, 400, 413, 400, 403, 400]);
    await settled();
    for (const id of ids) expect(await traces(id)).toBe(0);
  });

  it('records whole-request refusals of a registered site (501 events, a foreign origin) with event_index -1', async () => {
    const tooMany = makeBatch(Array.from({ length: 501 }, () => makeEvent('click')));
    expect((await post(tooMany)).status).toBe(400);
    const foreign = makeBatch([makeEvent('pageview')]);
    const res = await post(foreign, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await expect.poll(() => traces(foreign.batch_id), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => traces(tooMany.batch_id), { timeout: 15_000 }).toBe(1);
    const got = await rows<{ batch_id: string; event_index: number; reason: string; path: string }>(
      'SELECT batch_id, event_index, reason, path FROM spoor.rejected_events WHERE batch_id IN ({a:String}, {b:String}) ORDER BY reason',
      { a: tooMany.batch_id, b: foreign.batch_id },
    );
    expect(got).toEqual([
      { batch_id: tooMany.batch_id, event_index: -1, reason: 'invalid_batch', path: 'events' },
      { batch_id: foreign.batch_id, event_index: -1, reason: 'origin_not_allowed', path: 'origin' },
    ]);
    // The sender's corrected resend of the same batch_id is still accepted and stored.
    expect((await post(foreign, { origin: 'https://shop.example' })).status).toBe(202);
    await expect.poll(() => traces(foreign.batch_id), { timeout: 15_000 }).toBe(2);
  });

  it('stores SQL-looking strings and prototype keys verbatim as data, with no pollution', async () => {
    const evil = "x'); DROP TABLE spoor.events; --";
    const event = makeEvent('custom', { name: evil, props: { '`k`': 'v\'\\"', plain: 'ok' }, url: `https://shop.example/?q=${encodeURIComponent(evil)}` });
    const body = JSON.stringify(makeBatch([event])).replace('"plain":"ok"', '"plain":"ok","__proto__":{"polluted":"1"}');
    expect((await post(body)).status).toBe(202);
    await expect
      .poll(async () => (await rows('SELECT 1 FROM spoor.events WHERE event_id = {e:UUID}', { e: event.event_id })).length, { timeout: 15_000 })
      .toBe(1);
    const [row] = await rows<{ name: string; props: Record<string, string> }>('SELECT name, props FROM spoor.events WHERE event_id = {e:UUID}', {
      e: event.event_id,
    });
    expect(row).toEqual({ name: evil, props: { '`k`': 'v\'\\"', plain: 'ok' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await rows("SELECT name FROM system.tables WHERE database = 'spoor' AND name = 'events'")).toHaveLength(1);
  });
});

describe('request facts into ClickHouse', () => {
  it('takes the client address from the socket, not a spoofed X-Forwarded-For, and stores no raw IP', async () => {
    const batch = makeBatch([makeEvent('pageview')]);
    expect((await post(batch, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(202);
    await expect.poll(() => traces(batch.batch_id), { timeout: 15_000 }).toBe(1);
    const [row] = await rows<Record<string, string>>('SELECT ip_prefix, ip_hash FROM spoor.events WHERE batch_id = {b:String}', { b: batch.batch_id });
    expect(row!.ip_prefix).toBe('127.0.0.0');
    expect(row!.ip_hash).toMatch(/^[\w-]{22}$/);
    const stored = await rows<{ n: number }>("SELECT count() AS n FROM spoor.events WHERE has(mapValues(props), '203.0.113.9') OR ip_prefix LIKE '203.%'");
    expect(stored[0]!.n).toBe(0);
  });

  it('flags bots, headless browsers and webdriver sessions with a reason, and keeps their events', async () => {
    const cases: Array<[string, Record<string, unknown>, number, RegExp]> = [
      ['Googlebot/2.1 (+http://www.google.com/bot.html)', {}, 1, /^ua:/],
      ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36', {}, 1, /^headless$/],
      [CHROME, { webdriver: true }, 1, /^webdriver$/],
      [CHROME, {}, 0, /^$/],
    ];
    const ids: string[] = [];
    for (const [ua, extra] of cases) {
      const batch = { ...makeBatch([makeEvent('pageview')]), ...extra };
      ids.push(batch.batch_id);
      expect((await post(batch, { 'user-agent': ua })).status).toBe(202);
    }
    for (const [i, id] of ids.entries()) {
      await expect.poll(() => traces(id), { timeout: 15_000 }).toBe(1);
      const [row] = await rows<{ is_bot: number; bot_reason: string }>('SELECT is_bot, bot_reason FROM spoor.events WHERE batch_id = {b:String}', { b: id });
      expect(row!.is_bot, cases[i]![0]).toBe(cases[i]![2]);
      expect(row!.bot_reason).toMatch(cases[i]![3]);
    }
  });

  it('corrects a clock 3 days ahead, flags a missing sent_at, and refuses events 40 days old into rejected_events', async () => {
    const now = Date.now();
    const ahead = makeBatch([makeEvent('pageview', { ts: now + 3 * DAY - 2_000 })], { sent_at: now + 3 * DAY });
    const noSent = makeBatch([makeEvent('pageview', { ts: now - 1_000 })]);
    delete noSent.sent_at;
    const old = makeBatch([makeEvent('pageview', { ts: now - 40 * DAY }), makeEvent('click')], { sent_at: now });
    for (const b of [ahead, noSent, old]) expect((await post(b)).status).toBe(202);
    for (const b of [ahead, noSent, old]) await expect.poll(() => traces(b.batch_id), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const [a] = await rows<{ ts: number; client_ts: number; flags: string[] }>(
      'SELECT toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(client_ts) AS client_ts, flags FROM spoor.events WHERE batch_id = {b:String}',
      { b: ahead.batch_id },
    );
    expect(Math.abs(a!.ts - (now - 2_000))).toBeLessThan(10_000);
    expect(a!.client_ts).toBe(now + 3 * DAY - 2_000);
    expect(a!.flags).toEqual(['clock_corrected']);
    expect(await rows('SELECT flags FROM spoor.events WHERE batch_id = {b:String}', { b: noSent.batch_id })).toEqual([{ flags: ['no_sent_at'] }]);
    await expect.poll(() => traces(old.batch_id), { timeout: 15_000 }).toBe(2);
    expect(await rows('SELECT event_index, reason FROM spoor.rejected_events WHERE batch_id = {b:String}', { b: old.batch_id })).toEqual([
      { event_index: 0, reason: 'too_old' },
    ]);
  });

  it('honours GPC end to end: no cookie, no IP hash, cookieless rows', async () => {
    const batch = makeBatch([makeEvent('pageview', { visitor_id: 'gpc-page-id' })]);
    const res = await post(batch, { 'sec-gpc': '1', cookie: 'spoor_id=earlier' });
    expect(res.status).toBe(202);
    expect(res.headers.get('set-cookie')).toMatch(/^spoor_id=; Max-Age=0/);
    await expect.poll(() => traces(batch.batch_id), { timeout: 15_000 }).toBe(1);
    expect(await rows('SELECT visitor_id, ip_hash, cookieless FROM spoor.events WHERE batch_id = {b:String}', { b: batch.batch_id })).toEqual([
      { visitor_id: 'gpc-page-id', ip_hash: '', cookieless: 1 },
    ]);
  });

  it('keeps a visitor whose SDK id was regenerated, through the spoor_id cookie', async () => {
    const first = makeBatch([makeEvent('pageview', { visitor_id: 'sdk-first' })]);
    const res = await post(first);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toBe('spoor_id=sdk-first');
    const later = makeBatch([makeEvent('pageview', { visitor_id: 'sdk-after-purge' })]);
    expect((await post(later, { cookie })).status).toBe(202);
    await expect.poll(() => traces(later.batch_id), { timeout: 15_000 }).toBe(1);
    expect(
      await rows('SELECT visitor_id, sdk_visitor_id FROM spoor.events WHERE batch_id IN ({a:String}, {b:String}) ORDER BY sdk_visitor_id', {
        a: first.batch_id,
        b: later.batch_id,
      }),
    ).toEqual([
      { visitor_id: 'sdk-first', sdk_visitor_id: '' },
      { visitor_id: 'sdk-first', sdk_visitor_id: 'sdk-after-purge' },
    ]);
  });

  it('records a no-JS pixel view as a pageview flagged pixel', async () => {
    const url = `https://shop.example/pixel-${randomUUID()}`;
    const res = await fetch(`${base}/v1/p.gif?site=shop&url=${encodeURIComponent(url)}`, { headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    await expect
      .poll(async () => await rows('SELECT type, flags, path FROM spoor.events WHERE url = {u:String}', { u: url }), { timeout: 15_000 })
      .toEqual([{ type: 'pageview', flags: ['pixel'], path: new URL(url).pathname }]);
  });
});

describe('rate limits in Redis', () => {
  it('answers a burst past the site budget with 429 + Retry-After, stores exactly what was acknowledged, and leaves other sites alone', async () => {
    const limited = await serve({
      queue,
      sites: staticSites([
        { site: 'shop', origins: [] },
        { site: 'quiet', origins: [] },
      ]),
      ipSalt: async () => 'salt',
      rateLimits: redisRateLimits({ redis: conns[0] as never, keyPrefix: uniqueName('rl'), perSite: { points: 5, durationS: 60 } }),
    });
    const visitor = `burst-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(makeBatch([makeEvent('pageview', { visitor_id: visitor })]), {}, limited)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(202), ...Array(7).fill(429)]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
    expect((await post(makeBatch([makeEvent('pageview')], { site: 'quiet' }), {}, limited)).status).toBe(202);
    await settled();
    await expect
      .poll(async () => (await rows<{ n: number }>('SELECT count() AS n FROM spoor.events WHERE visitor_id = {v:String}', { v: visitor }))[0]!.n, {
        timeout: 15_000,
      })
      .toBe(5);
  });

  it('limits one client address behind a trusted proxy, however it spoofs X-Forwarded-For', async () => {
    const limited = await serve({
      queue,
      sites: staticSites([{ site: 'shop', origins: [] }]),
      ipSalt: async () => 'salt',
      trustProxy: true,
      rateLimits: redisRateLimits({ redis: conns[0] as never, keyPrefix: uniqueName('rl'), perIp: { points: 3, durationS: 60 } }),
    });
    // What the client wrote comes first; the proxy (this test's loopback peer) appends the address it saw.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post(makeBatch([makeEvent('pageview')]), { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.50` }, limited)).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect((await post(makeBatch([makeEvent('pageview')]), { 'x-forwarded-for': '203.0.113.51' }, limited)).status).toBe(202);
    // The proxy's own (private) address is never limited as if it were one visitor.
    for (let i = 0; i < 5; i++) expect((await post(makeBatch([makeEvent('pageview')]), {}, limited)).status).toBe(202);
  });
});
