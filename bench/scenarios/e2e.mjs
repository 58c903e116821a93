// End to end in `spoor up` with every materialized view: the sustained rate from HTTP to
// queryable rows, event-to-queryable latency at half that rate, memory of the process and of its
// Redis, and ClickHouse's bytes per million events.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createBatchQueue, createRedisConnection, DEFAULT_QUEUE_NAME } from '@spoor/queue';
import { batchBodies, request } from '../lib/load.mjs';
import { freePort, memoryOf, sleep, start, tempDir } from '../lib/processes.mjs';
import { percentile, summary } from '../lib/stats.mjs';

export const title = 'End to end: spoor up with all views';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const HEADERS = {
  'content-type': 'text/plain',
  origin: 'https://bench.example',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
};

/** A `spoor up` on a fresh data directory; `env` adds variables (e.g. SPOOR_ANALYST_PASSWORD). */
export async function spoorUp(env = {}) {
  const dataDir = tempDir('e2e');
  const [port, chPort] = [await freePort(), await freePort()];
  const proc = start(process.execPath, [join(root, 'apps/cli/bin/spoor.cjs'), 'up', '--port', String(port), '--clickhouse-port', String(chPort)], {
    env: { SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn', SPOOR_RATE_LIMIT_SITE: '1000000', ...env },
    ready: 'spoor is up',
    timeoutMs: 120_000,
  });
  await proc.started;
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
  const sql = async (query) => {
    const res = await fetch(`http://127.0.0.1:${chPort}/?default_format=JSONEachRow`, {
      method: 'POST',
      body: query,
      headers: { 'X-ClickHouse-User': 'spoor', 'X-ClickHouse-Key': token },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim()
      ? text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  };
  /** Until its queue holds nothing unfinished: the inserts so far have returned, views included (their rows show in `events` first). */
  const drained = async () => {
    const connection = createRedisConnection({ url: JSON.parse(readFileSync(join(dataDir, 'run.json'), 'utf8')).redis_url, role: 'producer' });
    const queue = createBatchQueue({ connection, name: DEFAULT_QUEUE_NAME });
    try {
      for (const until = Date.now() + 120_000; Date.now() < until; await sleep(100)) {
        const c = await queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(c).every((n) => n === 0)) return;
      }
      throw new Error('the queue was not drained within 120 s');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  };
  return { base: `http://127.0.0.1:${port}`, chPort, pid: proc.child.pid, redisPid, dataDir, sql, drained, output: proc.output, stop: () => proc.stop() };
}

export async function post(base, body) {
  return (await request(`${base}/v1/batch`, { method: 'POST', body, headers: HEADERS })).status;
}

const count = async (up) => Number((await up.sql("SELECT count() AS n FROM spoor.events WHERE site_id = 'demo'"))[0].n);

/** Saturates the collector for `seconds`, then waits for the worker: events per second from first send to last commit. */
export async function sustained(up, bodies, seconds) {
  const before = await count(up);
  const started = Date.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() - started < seconds * 1000) {
        if ((await post(up.base, bodies.next())) === 202) sent += bodies.events;
      }
    }),
  );
  const sendMs = Date.now() - started;
  while ((await count(up)) - before < sent) await sleep(100);
  const totalMs = Date.now() - started;
  return { sent, accept_rate: sent / (sendMs / 1000), rate: sent / (totalMs / 1000), backlog_s: (totalMs - sendMs) / 1000 };
}

/**
 * Sends the load at `rate` events/s for `seconds`, with a one-event probe batch (ts = now, its own
 * visitor) every 200 ms; a poller looks the probes up by primary key every 50 ms, so watching
 * freshness costs the engine almost nothing. Returns each probe's send-to-queryable time.
 */
export async function freshness(up, bodies, rate, seconds) {
  const probe = `probe-${Date.now()}`;
  const sentAt = new Map();
  const latencies = [];
  let stop = false;
  const poller = (async () => {
    const deadline = () => stop && Date.now() - last > 30_000;
    let last = Date.now();
    while (!(stop && sentAt.size === 0) && !deadline()) {
      const rows = await up.sql(`SELECT DISTINCT batch_id FROM spoor.events WHERE site_id = 'demo' AND toDate(ts) = today() AND visitor_id = '${probe}'`);
      const now = Date.now();
      for (const { batch_id } of rows) {
        const t = sentAt.get(batch_id);
        if (t === undefined) continue;
        latencies.push(now - t);
        sentAt.delete(batch_id);
        last = now;
      }
      await sleep(50);
    }
  })();
  const started = Date.now();
  const interval = (bodies.events / rate) * 1000;
  const inFlight = [];
  let nextProbe = started;
  for (let i = 0; Date.now() - started < seconds * 1000; i++) {
    inFlight.push(post(up.base, bodies.next()));
    if (Date.now() >= nextProbe) {
      const batch_id = `${probe}-${i}`;
      const ts = Date.now();
      const body = JSON.stringify({
        site: 'demo',
        batch_id,
        sent_at: ts,
        events: [{ event_id: randomUUID(), type: 'pageview', ts, visitor_id: probe, url: 'https://bench.example/probe' }],
      });
      sentAt.set(batch_id, ts);
      inFlight.push(post(up.base, body));
      nextProbe += 200;
    }
    const next = started + (i + 1) * interval;
    if (next > Date.now()) await sleep(next - Date.now());
  }
  await Promise.all(inFlight);
  stop = true;
  await poller;
  return latencies;
}

export async function run(ctx) {
  const seconds = ctx.quick ? 4 : 20;
  const bodies = batchBodies('demo');
  const runs = [];
  const notes = [];
  for (let i = 0; i < ctx.runs; i++) {
    const up = await spoorUp();
    try {
      await sleep(ctx.quick ? 1_000 : 5_000);
      const { rss_mib: idle, file_mib: idleFile } = memoryOf(up.pid);
      const s = await sustained(up, bodies, seconds);
      const lat = await freshness(up, bodies, s.rate / 2, ctx.quick ? 4 : 15);
      const [size] = await up.sql(
        "SELECT sum(bytes_on_disk) AS bytes, (SELECT count() FROM spoor.events) AS events FROM system.parts WHERE database = 'spoor' AND active",
      );
      runs.push({
        idle,
        idleFile,
        ...s,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        peak: memoryOf(up.pid).peak_mib,
        redisPeak: memoryOf(up.redisPid).peak_mib,
        mibPerMillion: (Number(size.bytes) / 2 ** 20 / Number(size.events)) * 1e6,
      });
    } finally {
      await up.stop();
    }
  }
  const of = (k) => summary(runs.map((r) => r[k]));
  return {
    figures: [
      { what: 'sustained events/s, HTTP to queryable', value: of('rate'), unit: 'events/s', target: '≥ 20,000', met: of('rate').median >= 20_000 },
      { what: 'events/s accepted by the collector meanwhile', value: of('accept_rate'), unit: 'events/s' },
      { what: 'backlog left when sending stopped', value: of('backlog_s'), unit: 's' },
      { what: 'event-to-queryable p50 at half that rate', value: of('p50'), unit: 'ms' },
      { what: 'event-to-queryable p99 at half that rate', value: of('p99'), unit: 'ms', target: '< 1,000 ms (issue 15)', met: of('p99').median < 1_000 },
      { what: 'spoor up RSS when idle', value: of('idle'), unit: 'MiB', target: '< 250 MiB (issue 15)', met: of('idle').median < 250 },
      { what: '  of which file-backed (the engine library mapped)', value: of('idleFile'), unit: 'MiB' },
      { what: 'spoor up peak RSS', value: of('peak'), unit: 'MiB' },
      { what: 'private Redis peak RSS', value: of('redisPeak'), unit: 'MiB' },
      // Not the issue's bytes figure: the load repeats 200 visitors' traffic (see the notes).
      { what: 'ClickHouse bytes per million events of this load (all tables, unmerged)', value: of('mibPerMillion'), unit: 'MiB' },
    ],
    notes: [
      ...notes,
      "Why the rate and freshness targets are missed on 2 cores: the collector's event loop and the worker and batch threads share them with the embedded engine, which parses the rows, updates fourteen materialized views and merges parts in the background; the engine, not the queue, bounds the rate. An insert with all views costs the engine a fixed ~0.1–0.2 s whatever its size, plus its rows (bench insert-paths), so the worker forms the next insert only when the engine is free and lets it grow to its batch size (10,000 rows by default) under load. Separate `spoor collector` / `spoor worker` processes against a ClickHouse server scale past it (docs/OPERATIONS.md).",
      "Idle memory: about half of the resident set is the embedded engine's library mapped from disk (file-backed, shared and reclaimable, the figure above); the rest is the process's own, its three JavaScript threads (event loop, worker, batch stages) included.",
      "Bytes: every active part of spoor up's database when the run ends, as background merges left them. The load is 50 batches of 200 generated visitors sent again and again with new event ids, so the same few visitors and sessions collect every event and their rows compress far better than a shop's: the bytes per million events of real traffic, against the issue's target, are bench insert-paths' figure (200,000 rows of distinct generated shop traffic, merged) and bench warehouse's (a million events).",
      `Load: 32 concurrent senders of 20-event batches (a new batch_id each) from the same machine for ${seconds} s, over node:http with kept-alive connections (fetch until 2026-12-03, about three times the CPU per request on the cores spoor up runs on); sustained = events sent / time from the first send until the last of them was queryable. Freshness: load at half that rate plus a one-event probe batch every 200 ms, each probe timed from its POST until a primary-key poll (every 50 ms, through the ClickHouse HTTP interface) saw it.`,
    ],
  };
}
