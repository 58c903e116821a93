// Collector: autocannon at 50 connections posting realistic 20-event batches to the real
// `spoor collector` (validation, enqueue in Redis, rate limits), and side by side to a bare Hono
// app and to bare node:http that only read the body and answer 204.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { batchBodies } from '../lib/load.mjs';
import { freePort, start, startRedis } from '../lib/processes.mjs';
import { summary } from '../lib/stats.mjs';

export const title = 'Collector: requests/s against bare Hono and bare node:http';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ORIGIN = 'https://bench.example';

async function server(kind, redisUrl) {
  const port = await freePort();
  const env = { PORT: String(port), SPOOR_LOG_LEVEL: 'warn' };
  const proc =
    kind === 'collector'
      ? start(process.execPath, [join(root, 'apps/cli/bin/spoor.cjs'), 'collector'], {
          env: { ...env, REDIS_URL: redisUrl, SPOOR_SITES: `bench=${ORIGIN}`, SPOOR_RATE_LIMIT_SITE: '1000000', SPOOR_QUEUE: 'bench' },
          ready: async () =>
            fetch(`http://127.0.0.1:${port}/readyz`).then(
              (r) => r.ok,
              () => false,
            ),
        })
      : start(process.execPath, [join(root, `bench/servers/${kind}.mjs`)], { env, ready: 'listening' });
  await proc.started;
  return { port, stop: () => proc.stop() };
}

function load(port, bodies, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/v1/batch`,
        method: 'POST',
        connections: 50,
        duration: seconds,
        headers: {
          'content-type': 'text/plain',
          origin: ORIGIN,
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies.next() }) }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

export async function run(ctx) {
  const seconds = ctx.quick ? 2 : 10;
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  const bodies = batchBodies('bench');
  const results = { 'node-http': [], 'hono-bare': [], collector: [] };
  try {
    for (let i = 0; i < ctx.runs; i++) {
      for (const kind of Object.keys(results)) {
        const s = await server(kind, redis.url);
        await load(s.port, bodies, 1); // warm-up
        const r = await load(s.port, bodies, seconds);
        await s.stop();
        await admin.flushall();
        results[kind].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });
      }
    }
  } finally {
    admin.disconnect();
    await redis.stop();
  }
  const of = (kind, key) => summary(results[kind].map((r) => r[key]));
  const ratio = (vs) => summary(results.collector.map((r, i) => r.rps / results[vs][i].rps));
  const coll = of('collector', 'rps');
  const p99 = of('collector', 'p99');
  return {
    figures: [
      { what: 'collector requests/s', value: coll, unit: 'req/s' },
      { what: 'collector events/s', value: summary(results.collector.map((r) => r.rps * bodies.events)), unit: 'events/s' },
      { what: 'collector latency p50', value: of('collector', 'p50'), unit: 'ms' },
      { what: 'collector latency p99', value: p99, unit: 'ms', target: '< 50 ms', met: p99.median < 50 },
      { what: 'collector non-2xx or errors', value: of('collector', 'errors'), unit: '' },
      { what: 'bare Hono requests/s', value: of('hono-bare', 'rps'), unit: 'req/s' },
      { what: 'bare Hono latency p99', value: of('hono-bare', 'p99'), unit: 'ms' },
      { what: 'bare node:http requests/s', value: of('node-http', 'rps'), unit: 'req/s' },
      { what: 'collector / bare Hono', value: ratio('hono-bare'), unit: '×', target: '≥ 0.3 (issue 15)', met: ratio('hono-bare').median >= 0.3 },
      { what: 'collector / bare node:http', value: ratio('node-http'), unit: '×' },
    ],
    notes: [
      `autocannon, 50 connections, ${seconds} s per run after a 1 s warm-up, bodies of ${Math.round(bodies.bytes / 1024)} KiB (${bodies.events} events, a new batch_id each); the load generator shares the machine's 2 cores with the server.`,
      'The collector is the real `spoor collector` process: origin check against the site, per-event validation, clock correction, IP anonymisation, visitor cookie, per-site rate limit in Redis, BullMQ add; no worker runs, so Redis only grows.',
      "Why the ratio target is missed: the baselines do no work per request, while the collector parses an 8 KiB body, validates 20 events (a hand-written check that gives exactly the zod schema's result for valid events, zod for the rest), serialises and stores a ~10 KiB job in Redis through BullMQ and checks the site's rate limit (one Redis call for the requests that waited on the previous one): about 0.35 ms of CPU per batch (0.6 ms before the hand-written check and the coalesced limit), profiled: JSON parse ~13%, BullMQ serialising the job ~11%, validation ~10%, the rest of BullMQ and ioredis ~10%, GC ~7%, HTTP ~15%. Redis spends ~0.09 ms more per batch (BullMQ's add script) on the same 2 cores, and autocannon ~0.07 ms. One process takes ~2,800 batches/s (~56,000 events/s) on a quiet machine; collectors share nothing but Redis, so capacity grows with processes.",
    ],
  };
}
