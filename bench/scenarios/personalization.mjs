// Personalization on `spoor up`: /v1/me and /v1/profiles latency at a fixed rate of lookups, alone
// and while the process ingests at half its sustained rate (the rate it held is reported), and
// freshness: from a cart_add answered 202 until /v1/me shows it in the cart.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateTraffic } from '@spoor/traffic';
import { batchBodies, request } from '../lib/load.mjs';
import { freePort, sleep, start } from '../lib/processes.mjs';
import { percentile, summary } from '../lib/stats.mjs';
import { post, spoorUp, sustained } from './e2e.mjs';

export const title = 'Personalization: /v1/me and /v1/profiles under ingest, freshness';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/spoor.cjs');
const SITE = 'bench';
const ORIGIN = 'https://bench.example';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** Shop traffic for the `bench` site, so there are visitors, customers, carts and affinities to look up. */
async function seed(up, visitors) {
  const traffic = generateTraffic({ seed: 5, visitors, site: SITE, origin: ORIGIN, affinity: 0.8, resendBatchRate: 0, resendEventsRate: 0 });
  const pending = [...traffic.batches];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let b = pending.shift(); b; b = pending.shift()) {
        const browser = b.userAgent.startsWith('Mozilla/');
        await request(`${up.base}/v1/batch`, {
          method: 'POST',
          body: JSON.stringify({ ...b.body, sent_at: Date.now() }),
          headers: { 'content-type': 'text/plain', 'user-agent': b.userAgent, ...(browser ? { origin: ORIGIN } : {}) },
        });
      }
    }),
  );
  const expected = traffic.events.length;
  for (;;) {
    const [{ n }] = await up.sql(`SELECT count() AS n FROM spoor.events FINAL WHERE site_id = '${SITE}'`);
    if (Number(n) >= expected) break;
    await sleep(250);
  }
  await up.drained();
  // customer_profiles scores against rfm_thresholds, refreshed every 30 s: a quick seed can beat
  // the first refresh, and would find no customers to look up.
  let customers = [];
  for (const until = Date.now() + 90_000; customers.length === 0 && Date.now() < until; await sleep(1_000)) {
    customers = (await up.sql(`SELECT customer_id FROM spoor.customer_profiles WHERE site_id = '${SITE}' ORDER BY customer_id`)).map((r) => r.customer_id);
  }
  if (customers.length === 0) throw new Error('no customer in customer_profiles 90 s after the seed');
  const browsers = [...new Set(traffic.events.filter((e) => !traffic.bots.has(e.visitor_id)).map((e) => e.visitor_id))];
  return { customers, browsers, asked: new Set() };
}

/** The request of lookup `i` of a route, and whether this run asked for that person before (`people.asked`). */
function lookupRequest(up, people, key, i, route) {
  const id = route === 'me' ? people.browsers[i % people.browsers.length] : people.customers[i % people.customers.length];
  const first = !people.asked.has(`${route}:${id}`);
  people.asked.add(`${route}:${id}`);
  if (route === 'me') return [`${up.base}/v1/me?site=${SITE}`, { origin: ORIGIN, cookie: `spoor_id=${id}`, 'user-agent': UA }, first];
  return [`${up.base}/v1/profiles/${SITE}/${encodeURIComponent(id)}`, { authorization: `Bearer ${key}` }, first];
}

/**
 * Starts `rate` lookups a second for `seconds` on a fixed schedule (not waiting for answers, so a
 * slow answer cannot hide the ones queued behind it), alternating /v1/me and /v1/profiles. A lookup
 * not answered within 5 s counts as failed, so an overloaded run still ends.
 */
async function lookups(up, people, key, rate, seconds) {
  const me = [];
  const profiles = [];
  /** Lookups of a person this run had not asked about before (read from the warehouse, not kept). */
  const firsts = [];
  const statuses = {};
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const at = started + (i * 1000) / rate;
    if (at > performance.now()) await sleep(at - performance.now());
    const route = i % 2 === 0 ? 'me' : 'profiles';
    const [url, headers, first] = lookupRequest(up, people, key, i >> 1, route);
    const t0 = performance.now();
    inFlight.push(
      request(url, { headers, timeoutMs: 5_000 }).then(
        (res) => {
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) (route === 'me' ? me : profiles).push(performance.now() - t0);
          if (res.status === 200 && first) firsts.push(performance.now() - t0);
        },
        (err) => (statuses[err.name] = (statuses[err.name] ?? 0) + 1),
      ),
    );
  }
  await Promise.all(inFlight);
  const answered = me.length + profiles.length;
  return { me, profiles, firsts, statuses, answered: answered / inFlight.length, rate: inFlight.length / seconds };
}

/**
 * Lookups of one route as fast as `concurrency` clients get answers: what the process can serve.
 * Each request is bounded (a lookup that never answers must fail the figure, not hang the run);
 * the answers are counted by status, so refusals (503 when a lookup missed its deadline) show.
 */
async function capacity(up, people, key, route, seconds, concurrency = 8) {
  let done = 0;
  let firsts = 0;
  let i = 0;
  const statuses = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < seconds * 1000) {
        const [url, headers, first] = lookupRequest(up, people, key, i++, route);
        if (first) firsts++;
        try {
          const res = await request(url, { headers, timeoutMs: 30_000 });
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) done++;
        } catch (err) {
          statuses[err.name] = (statuses[err.name] ?? 0) + 1;
        }
      }
    }),
  );
  return { rate: done / ((performance.now() - started) / 1000), statuses, firsts: firsts / Math.max(1, i) };
}

/** Ingest at `rate` events/s until `stop()`; resolves the events accepted and the time. */
function ingest(up, bodies, rate) {
  let stopped = false;
  let sentSoFar = 0;
  const done = (async () => {
    const started = Date.now();
    const inFlight = [];
    for (let i = 0; !stopped; i++) {
      inFlight.push(
        post(up.base, bodies.next()).then(
          (s) => (s === 202 ? (sentSoFar += bodies.events) : 0),
          () => 0,
        ),
      );
      const next = started + ((i + 1) * bodies.events * 1000) / rate;
      if (next > Date.now()) await sleep(next - Date.now());
    }
    await Promise.all(inFlight);
    return { sent: sentSoFar, seconds: (Date.now() - started) / 1000 };
  })();
  return {
    /** Events acknowledged so far. */
    sent: () => sentSoFar,
    stop() {
      stopped = true;
      return done;
    },
  };
}

/**
 * spoor up's event-loop delay since the last call (prom-client's default metrics on /metrics reset
 * their histogram on every scrape): how long a ready answer can wait for the one thread.
 */
async function eventLoopDelay(up) {
  const text = await (await request(`${up.base}/metrics`)).text();
  const gauge = (name) => Number(text.match(new RegExp(`^${name} ([0-9.e+-]+)`, 'm'))?.[1] ?? NaN) * 1000;
  return { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
}

/**
 * A `spoor collector` process beside spoor up, as production runs the public endpoint: reading
 * spoor up's ClickHouse over its HTTP interface and listening to its worker on its Redis.
 */
async function separateCollector(up) {
  const port = await freePort();
  const token = readFileSync(join(up.dataDir, 'admin-token'), 'utf8').trim();
  const redisUrl = JSON.parse(readFileSync(join(up.dataDir, 'run.json'), 'utf8')).redis_url;
  const proc = start(process.execPath, [bin, 'collector', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      REDIS_URL: redisUrl,
      CLICKHOUSE_URL: `http://127.0.0.1:${up.chPort}`,
      CLICKHOUSE_USER: 'spoor',
      CLICKHOUSE_PASSWORD: token,
      SPOOR_LOG_LEVEL: 'warn',
      SPOOR_RATE_LIMIT_SITE: '1000000',
    },
    ready: async () =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
  });
  await proc.started;
  return { base: `http://127.0.0.1:${port}`, stop: () => proc.stop() };
}

/** The share of a window's lookups that were a person's first (read from the warehouse, not kept). */
const firstShare = (w) => w.firsts.length / Math.max(1, w.me.length + w.profiles.length);

/** How many merges the engine is running (system.merges), as a window of lookups begins. */
const mergesRunning = async (up) => Number((await up.sql('SELECT count() AS n FROM system.merges'))[0].n);

const demoEvents = async (up) => Number((await up.sql("SELECT count() AS n FROM spoor.events WHERE site_id = 'demo'"))[0].n);

/**
 * Waits until the events acknowledged under the ingest load are queryable but for one second's
 * worth (the load goes on meanwhile), at most 120 s: how long the worker needed to catch up.
 */
async function catchUp(up, load, baseline, rate) {
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (baseline + load.sent() - (await demoEvents(up)) <= rate) break;
    await sleep(500);
  }
  return (Date.now() - started) / 1000;
}

/** One cart_add every 500 ms for a fresh visitor; each timed from its 202 until /v1/me lists the item. */
async function freshness(up, seconds) {
  const out = [];
  const started = Date.now();
  const probes = [];
  for (let i = 0; Date.now() - started < seconds * 1000; i++) {
    const visitor = `fresh-${process.pid}-${i}`;
    const item = { id: `FRESH-${i}`, name: 'Probe', price: '1.00', quantity: 1 };
    const body = JSON.stringify({
      site: SITE,
      batch_id: randomUUID(),
      sent_at: Date.now(),
      events: [
        {
          event_id: randomUUID(),
          type: 'cart_add',
          ts: Date.now(),
          visitor_id: visitor,
          session_id: visitor,
          item,
          cart: { cart_id: `c-${visitor}`, items: [item], value: '1.00' },
        },
      ],
    });
    const headers = { 'content-type': 'text/plain', origin: ORIGIN, cookie: `spoor_id=${visitor}`, 'user-agent': UA };
    probes.push(
      (async () => {
        const res = await request(`${up.base}/v1/batch`, { method: 'POST', body, headers });
        if (res.status !== 202) return;
        const acked = performance.now();
        // Polled every 100 ms: the figure's resolution, and a load the lookups can serve (at 25 ms,
        // the probes in flight alone asked for more /v1/me answers than the engine gives here).
        for (let tries = 0; tries < 600; tries++) {
          const me = await (await request(`${up.base}/v1/me?site=${SITE}`, { headers: { origin: ORIGIN, cookie: `spoor_id=${visitor}` } })).json();
          if (me.cart?.items?.some((x) => x.id === item.id)) return out.push(performance.now() - acked);
          await sleep(100);
        }
      })(),
    );
    await sleep(500);
  }
  await Promise.all(probes);
  return out;
}

export async function run(ctx) {
  const seconds = ctx.quick ? 4 : 20;
  const visitors = ctx.quick ? 300 : 3_000;
  // The quick run checks the harness, at a rate the machine can serve.
  const rate = ctx.quick ? 30 : 300;
  const bodies = batchBodies('demo');
  const runs = [];
  for (let r = 0; r < ctx.runs; r++) {
    const up = await spoorUp();
    const cli = async (...args) =>
      (await promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, SPOOR_DATA_DIR: up.dataDir, SPOOR_LOG_LEVEL: 'warn' } })).stdout;
    try {
      await cli('sites', 'add', SITE, '--origin', ORIGIN, '--expose-traits', 'email', '--expose-segments', 'cart_abandoners,champions');
      const key = (await cli('sites', 'key', SITE)).trim().split('\n').at(-1);
      const people = await seed(up, visitors);
      // Warm the site-wide caches (catalogue, RFM levels, segment membership) as a running shop has them.
      await lookups(up, people, key, 20, 2);
      const capMe = await capacity(up, people, key, 'me', seconds);
      const capProfiles = await capacity(up, people, key, 'profiles', seconds);
      const alone = await lookups(up, people, key, rate, seconds);
      // Every person has been asked about by now: what kept states serve.
      const keptMe = await capacity(up, people, key, 'me', seconds);
      const keptProfiles = await capacity(up, people, key, 'profiles', seconds);
      const s = await sustained(up, bodies, seconds);
      const baseline = await demoEvents(up);
      const load = ingest(up, bodies, s.rate / 2);
      await eventLoopDelay(up);
      const busyMerges = await mergesRunning(up);
      const cpu0 = process.cpuUsage();
      const busy = await lookups(up, people, key, rate, seconds);
      const cpu = process.cpuUsage(cpu0);
      const loop = await eventLoopDelay(up);
      // The same lookups again at once, under the same load: how far the figure moves between the
      // two is its noise on this host. The first window begins as the saturating run ends, so the
      // engine's merges are counted as each begins (a backlog of them would show there).
      const steadyMerges = await mergesRunning(up);
      const steady = await lookups(up, people, key, rate, seconds);
      const steadyLoop = await eventLoopDelay(up);
      // The same lookups on a collector process of their own, spoor up still ingesting: first a
      // pass that reads every person once (this process keeps its own states), then the timed one.
      const sep = await separateCollector(up);
      const apartPeople = { ...people, asked: new Set() };
      let apart;
      try {
        await lookups({ ...up, base: sep.base }, apartPeople, key, rate, seconds);
        apart = await lookups({ ...up, base: sep.base }, apartPeople, key, rate, seconds);
      } finally {
        await sep.stop();
      }
      // Freshness on its own, still under the ingest load: the probes' /v1/me polls must not queue
      // behind an overload of other lookups, or they would time the lookups, not the data. Timed
      // right after the overload (the worker's backlog included), then once the worker caught up.
      await sleep(5_000);
      const freshAfter = await freshness(up, seconds);
      const caughtUpS = await catchUp(up, load, baseline, s.rate / 2);
      const fresh = await freshness(up, seconds);
      const held = await load.stop();
      runs.push({
        sustained: s.rate,
        held: held.sent / held.seconds,
        aloneMe50: percentile(alone.me, 50),
        aloneMe99: percentile(alone.me, 99),
        aloneProfile50: percentile(alone.profiles, 50),
        aloneProfile99: percentile(alone.profiles, 99),
        aloneFirsts: firstShare(alone),
        aloneFirst99: percentile(alone.firsts, 99),
        busyFirsts: firstShare(busy),
        apartMe50: percentile(apart.me, 50),
        apartMe99: percentile(apart.me, 99),
        apartProfile50: percentile(apart.profiles, 50),
        apartProfile99: percentile(apart.profiles, 99),
        apartAnswered: apart.answered,
        loop99: loop.p99,
        loopMax: loop.max,
        me50: percentile(busy.me, 50),
        me99: percentile(busy.me, 99),
        profile50: percentile(busy.profiles, 50),
        profile99: percentile(busy.profiles, 99),
        lookupRate: busy.rate,
        // Share of one core the load generator (this process: lookups and ingest) used meanwhile.
        generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds,
        busyMerges,
        steadyMerges,
        steadyFirsts: firstShare(steady),
        steadyMe99: percentile(steady.me, 99),
        steadyProfile99: percentile(steady.profiles, 99),
        steadyLoop99: steadyLoop.p99,
        steadyLoopMax: steadyLoop.max,
        steadyAnswered: steady.answered,
        answered: busy.answered,
        aloneAnswered: alone.answered,
        capMe: capMe.rate,
        capProfiles: capProfiles.rate,
        capMeFirsts: capMe.firsts,
        keptMe: keptMe.rate,
        keptProfiles: keptProfiles.rate,
        statuses: {
          capMe: capMe.statuses,
          capProfiles: capProfiles.statuses,
          keptMe: keptMe.statuses,
          keptProfiles: keptProfiles.statuses,
          alone: alone.statuses,
          busy: busy.statuses,
        },
        freshAfter50: percentile(freshAfter, 50),
        freshAfter99: percentile(freshAfter, 99),
        caughtUpS,
        fresh50: percentile(fresh, 50),
        fresh99: percentile(fresh, 99),
        probes: fresh.length,
        customers: people.customers.length,
      });
    } catch (err) {
      throw new Error(`${err.message} ${err.cause?.message ?? ''} ${err.cause?.code ?? ''}\nspoor up said:\n${up.output().slice(-4000)}`);
    } finally {
      await up.stop();
    }
  }
  const of = (k) => summary(runs.map((x) => x[k]));
  const met = (k, limit) => of(k).median <= limit;
  return {
    figures: [
      { what: '/v1/me p50, lookups alone', value: of('aloneMe50'), unit: 'ms' },
      { what: '/v1/me p99, lookups alone', value: of('aloneMe99'), unit: 'ms' },
      { what: '/v1/profiles p50, lookups alone', value: of('aloneProfile50'), unit: 'ms' },
      { what: '/v1/profiles p99, lookups alone', value: of('aloneProfile99'), unit: 'ms' },
      { what: "share of the lookups alone that were a person's first (read, not kept)", value: of('aloneFirsts'), unit: '' },
      { what: "p99 of a person's first lookup, alone", value: of('aloneFirst99'), unit: 'ms' },
      { what: "share of the lookups while ingesting that were a person's first", value: of('busyFirsts'), unit: '' },
      { what: `/v1/me p50 while ingesting`, value: of('me50'), unit: 'ms' },
      { what: `/v1/me p99 while ingesting`, value: of('me99'), unit: 'ms', target: '≤ 25 ms', met: met('me99', 25) },
      { what: "spoor up's event-loop delay p99 meanwhile (what a kept answer can wait for the thread)", value: of('loop99'), unit: 'ms' },
      { what: "spoor up's event-loop delay max meanwhile", value: of('loopMax'), unit: 'ms' },
      { what: '/v1/profiles p50 while ingesting', value: of('profile50'), unit: 'ms' },
      { what: '/v1/profiles p99 while ingesting', value: of('profile99'), unit: 'ms', target: '≤ 25 ms', met: met('profile99', 25) },
      { what: 'lookups/s started (half /v1/me, half /v1/profiles)', value: of('lookupRate'), unit: '/s', target: `${rate}` },
      { what: '  engine merges running as these lookups began', value: of('busyMerges'), unit: '' },
      { what: '  CPU of the load generator meanwhile (lookups and ingest; share of one of the 2 cores)', value: of('generatorCpu'), unit: '' },
      {
        what: `the next ${seconds} s, the same ingest going on: /v1/me p99`,
        value: of('steadyMe99'),
        unit: 'ms',
        target: '≤ 25 ms',
        met: met('steadyMe99', 25),
      },
      { what: '  /v1/profiles p99', value: of('steadyProfile99'), unit: 'ms', target: '≤ 25 ms', met: met('steadyProfile99', 25) },
      { what: "  spoor up's event-loop delay p99 meanwhile", value: of('steadyLoop99'), unit: 'ms' },
      { what: '  event-loop delay max', value: of('steadyLoopMax'), unit: 'ms' },
      { what: '  engine merges running as these lookups began', value: of('steadyMerges'), unit: '' },
      { what: "  share that were a person's first lookup", value: of('steadyFirsts'), unit: '' },
      { what: '  share answered 200 within 5 s', value: of('steadyAnswered'), unit: '' },
      { what: 'on a spoor collector process beside spoor up (still ingesting): /v1/me p50', value: of('apartMe50'), unit: 'ms' },
      { what: '  /v1/me p99', value: of('apartMe99'), unit: 'ms', target: '≤ 25 ms', met: met('apartMe99', 25) },
      { what: '  /v1/profiles p50', value: of('apartProfile50'), unit: 'ms' },
      { what: '  /v1/profiles p99', value: of('apartProfile99'), unit: 'ms', target: '≤ 25 ms', met: met('apartProfile99', 25) },
      { what: '  share answered 200 within 5 s', value: of('apartAnswered'), unit: '' },
      { what: 'share answered 200 within 5 s, alone', value: of('aloneAnswered'), unit: '' },
      { what: 'share answered 200 within 5 s, while ingesting', value: of('answered'), unit: '' },
      { what: 'capacity: /v1/me answered per second (8 clients, alone), people mostly asked the first time', value: of('capMe'), unit: '/s' },
      { what: "  share of those that were a person's first lookup", value: of('capMeFirsts'), unit: '' },
      { what: 'capacity: /v1/profiles answered per second (8 clients, alone), same', value: of('capProfiles'), unit: '/s' },
      { what: 'capacity: /v1/me answered per second (8 clients, alone), every person asked before', value: of('keptMe'), unit: '/s' },
      { what: 'capacity: /v1/profiles answered per second (8 clients, alone), every person asked before', value: of('keptProfiles'), unit: '/s' },
      { what: 'sustained ingest of this spoor up', value: of('sustained'), unit: 'events/s' },
      { what: 'ingest held during the lookups (target: half)', value: of('held'), unit: 'events/s' },
      { what: 'freshness right after the lookups: cart_add 202 → in /v1/me, p50', value: of('freshAfter50'), unit: 'ms' },
      { what: 'freshness right after the lookups: cart_add 202 → in /v1/me, p99', value: of('freshAfter99'), unit: 'ms' },
      { what: "the worker's catch-up on the ingest load's backlog after that", value: of('caughtUpS'), unit: 's' },
      { what: 'freshness once caught up: cart_add 202 → in /v1/me, p50', value: of('fresh50'), unit: 'ms' },
      { what: 'freshness once caught up: cart_add 202 → in /v1/me, p99', value: of('fresh99'), unit: 'ms', target: '≤ 1,000 ms', met: met('fresh99', 1_000) },
    ],
    notes: [
      `spoor up seeded with @spoor/traffic shop traffic (${visitors.toLocaleString('en-US')} visitors, planted affinities) for site ${SITE} (exposes the email trait and two segments; /v1/profiles with its site key). Lookups start on a fixed schedule of ${rate}/s for ${seconds} s (a slow answer does not delay the next), alternating /v1/me (cookie of a seeded browser) and /v1/profiles (a customer id); first alone, then while 20-event batches arrive at half the sustained rate measured just before (as in the e2e scenario), for two windows one after the other: the first begins as the saturating run that measured the sustained rate ends, the second ${seconds} s later, the same load going on. Freshness, after the lookups and a 5 s pause, still at half the sustained ingest: a cart_add for a new visitor every 500 ms, polled through /v1/me every 100 ms (the figure's resolution); timed twice, right after the lookups and again once the ingest load's events acknowledged so far are queryable but for one second's worth (the catch-up time, at most 120 s).`,
      "Beside spoor up: the same schedule of lookups against a separate `spoor collector` process (CLICKHOUSE_URL = spoor up's HTTP interface, REDIS_URL = its Redis, so it hears what spoor up's worker inserts), while spoor up goes on ingesting at half its sustained rate; that process holds no worker and no engine. In spoor up itself the worker runs in a thread of its own, and /v1/batch's parsing, checks and queue adds in another (apps/collector/src/batch-thread.ts), so the lookups wait behind no job parsing, rows, insert text or batch checks on the event loop, only for the ingest requests' HTTP handling; and every thread but the event loop's (those two, libuv's pool, the engine's, V8's helpers) and the private Redis run at nice 5 (apps/cli/src/answers-first.ts), so the event loop gets a core first. A first pass reads every person once (its own kept states), the second is timed.",
      `Answers by status in the first run: ${JSON.stringify(runs[0]?.statuses ?? {})}.`,
      "Each person's state is kept by the collector between lookups (packages/personalization/src/kept-states.ts): a person's first lookup reads the warehouse (the lookups waiting at that moment in one batch: two queries for /v1/me, three for /v1/profiles); later ones answer from memory until the worker says an insert touched the person (the probes' cart_add: then the next lookup waits for one read), or the state is ten minutes old (read again behind the answer); the site-wide parts are applied at each lookup from their own caches. The seeded people are not touched by the ingest load (another site), so the lookups while ingesting answer from kept states; the share of first lookups in each phase is reported. The site-wide parts of an answer (catalogue and best sellers, RFM score cuts, segment membership, each product's partners) are cached and refreshed in the background. Every lookup has a 5 s deadline (then 503 personalization_timeout). Reads run on four read-only engine sessions side by side, their values set on the session, not bound per call (chdb runs the bound calls of a whole process one at a time).",
      "Where a read's CPU goes, before states were kept or batched (profiled with --cpu-prof and process CPU time on the warehouse scenario's 1,003,506 events, one lookup at a time, 2026-12-01 on a machine loaded by other work, so absolute figures are high): ~36 ms of CPU per answer, of which the JavaScript thread is idle nearly all the time; the engine's threads take it: the first query (4 UNION ALL branches) ~22 ms — the visitor_activity granule ~7 ms, the erasure check ~3 ms (an empty table: the cost of a branch), products seen ~5 ms, products bought ~9 ms — and the second (cart, customer, traits, partners) ~14 ms; SELECT 1 costs ~1 ms. So 300 answers/s would need ~11 cores of engine time: the per-query and per-branch cost of the embedded engine, not the lookups' reads, bounds the rate on 2 cores.",
      "The load generator (this process) sends over node:http with kept-alive connections, no cap on sockets: it shares the 2 cores with spoor up, and fetch (used before 2026-12-03) spent about three times the CPU per request (trimmed copy of this scenario, 20 s windows while ingesting: 2.3–3.2 s of the generator's CPU per window against 5.8–7.2 s with fetch); its CPU while ingesting is reported above.",
      "What holds the tail (2026-12-03, a trimmed copy of this scenario, warm kept states, every lookup answered from a kept state, 300 lookups/s at half the sustained rate, AMD EPYC host): the two cores are busy. Per-thread CPU read from /proc every 100 ms over four 20 s windows: spoor up's event loop 32 % of a core, its threads named node (the batch and worker threads, V8's helpers, and libuv's pool, where the engine parses each insert) 45 %, the engine's background merges 31 %, its other threads (RuntimeData, ThreadPool, unnamed) 40 %, Redis 18 %, the load generator 19 %: about 93 % of the two cores. The slow lookups come in bursts of a few hundred milliseconds in which the event loop runs but gets 30–50 % of a core; garbage collection overlaps only about 5 % of the event loop's gaps over 8 ms (47 scavenges, 190 ms, and one mark-compact, 25 ms, in 20 s). The event loop was one of a hundred-odd runnable threads of the same weight (the engine's pool grows to ~135 threads under ingest). Nicing only spoor up's other JavaScript threads and its Redis did not shorten the tail (/v1/me p99 in alternate windows 8.8, 12.2, 38.8, 60.7, 88.9, 33.5 ms, median 36, against 53.6, 16.1, 22.8, 45.3, 91.7, 18.1 ms, median 34); every thread but the event loop's, the engine's included, and Redis at nice 5, re-applied every second as threads start, did: in ten alternating windows /v1/me p99 was 13.6, 24.3, 11.5, 12.1, 21.0 ms (median 13.6) against 206, 34.0, 158, 14.8 ms (the first window, which read people for the first time, not counted), with the same ingest held (4,950–4,965 events/s). That is apps/cli/src/answers-first.ts since. Tried and not kept (2026-12-02): a larger young generation (--max-semi-space-size=32: p99 26–35 ms against 25–42 ms without, three alternating pairs; with --min-semi-space-size=16 as well, 18–27 ms against 14–20 ms).",
    ],
  };
}
