// Ad-hoc per-process figures for docs/OPERATIONS.md (capacity planning) until the benchmark harness
// exists: one `spoor collector` and one `spoor worker` against `spoor up` on this machine.
//   node scripts/measure-topology.mjs [events=50000]
// Phase 1 sends the events to the collector alone (no worker on its queue): collector events/s and
// events per CPU-second. Phase 2 starts one worker on the filled queue: worker and embedded-engine
// throughput while draining it. CPU comes from /proc/<pid>/stat. Requires a build (npm run build).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../apps/cli/bin/spoor.js');
const TOTAL = Number(process.argv[2] ?? 50_000);
const PER_BATCH = 100;
const CONCURRENCY = 16;
const TOKEN = 'measure-admin-token-0123456789';
const children = [];

function start(args, env, pattern, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: { ...process.env, SPOOR_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((res, rej) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) res({ child, m });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', () => rej(new Error(`spoor ${args[0]} exited:\n${out}`)));
  });
}

const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sql(port, query) {
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: query, headers: { 'X-ClickHouse-User': 'spoor', 'X-ClickHouse-Key': TOKEN } });
  return (await res.text()).trim();
}

try {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-measure-'));
  await start(['up', '--port', '0', '--clickhouse-port', '0'], { SPOOR_DATA_DIR: dir, SPOOR_ADMIN_TOKEN: TOKEN }, /spoor is up/);
  await sleep(500);
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  const env = {
    REDIS_URL: run.redis_url,
    CLICKHOUSE_URL: `http://127.0.0.1:${run.clickhouse_port}`,
    CLICKHOUSE_USER: 'spoor',
    CLICKHOUSE_PASSWORD: TOKEN,
    SPOOR_QUEUE: 'measure',
    SPOOR_SITES: 'shop',
  };
  const { child: collector, m } = await start(['collector', '--port', '0', '--host', '127.0.0.1'], env, /up on [^:]+:(\d+)/);
  const url = `http://127.0.0.1:${m[1]}/v1/batch`;
  const batches = Math.ceil(TOTAL / PER_BATCH);
  const body = (b) => {
    const now = Date.now();
    const events = Array.from({ length: PER_BATCH }, (_, i) => ({
      event_id: randomUUID(),
      type: i % 5 === 0 ? 'click' : 'pageview',
      ts: now,
      visitor_id: `v-${(b * PER_BATCH + i) % 5000}`,
      session_id: 's',
      url: 'https://shop.example/p?utm_source=mail',
      ...(i % 5 === 0 ? { element: { tag: 'button', text: 'Buy' } } : {}),
    }));
    return JSON.stringify({ site: 'shop', batch_id: randomUUID(), sent_at: now, events });
  };
  const bodies = Array.from({ length: batches }, (_, b) => body(b));
  const cpu0 = cpuSeconds(collector.pid);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches) {
        const res = await fetch(url, { method: 'POST', body: bodies[next++], headers: { 'content-type': 'application/json' } });
        if (res.status !== 202) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const collectSeconds = (performance.now() - t0) / 1000;
  const collectorCpu = cpuSeconds(collector.pid) - cpu0;

  const upPid = run.pid;
  const upCpu0 = cpuSeconds(upPid);
  const t1 = performance.now();
  const { child: worker } = await start(['worker', '--metrics-port', '0'], env, /worker is up/, process.env.WORKER_NODE_ARGS?.split(' ') ?? []);
  while (Number(await sql(run.clickhouse_port, 'SELECT count() FROM spoor.events')) < batches * PER_BATCH) await sleep(100);
  const drainSeconds = (performance.now() - t1) / 1000;
  const result = {
    events: batches * PER_BATCH,
    collector: {
      seconds: +collectSeconds.toFixed(2),
      events_per_s: Math.round((batches * PER_BATCH) / collectSeconds),
      cpu_seconds: +collectorCpu.toFixed(2),
      events_per_cpu_s: Math.round((batches * PER_BATCH) / collectorCpu),
    },
    worker_via_http: {
      seconds: +drainSeconds.toFixed(2),
      events_per_s: Math.round((batches * PER_BATCH) / drainSeconds),
      worker_cpu_seconds: cpuSeconds(worker.pid),
      spoor_up_cpu_seconds: +(cpuSeconds(upPid) - upCpu0).toFixed(2),
    },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  for (const c of children.reverse()) c.kill('SIGTERM');
}
