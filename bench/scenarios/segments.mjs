// Segments: `spoor segments list` (sizes of the ten built-ins) over a million generated events,
// and a CSV export of a million people with its time and peak memory.
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, memoryOf, start, tempDir } from '../lib/processes.mjs';
import { summary } from '../lib/stats.mjs';

export const title = 'Segments: list over a million events, export of a million people';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const spoor = join(root, 'apps/cli/bin/spoor.cjs');
const exec = promisify(execFile);

/** The million people, built inside the engine (as test/segments-1m.test.ts does). */
const FILL = (people) => [
  `INSERT INTO spoor.visitor_activity (site_id, visitor_id, first_seen, last_seen, user_id, sessions, last_cart, last_cart_change_at)
   SELECT 'shop', concat('v', leftPad(toString(number), 7, '0')) AS visitor, now64(3) - toIntervalSecond(200000) AS first,
     now64(3) - toIntervalSecond(7200 + number % 86400) AS last,
     arrayReduce('argMaxIfState', [if(number % 10 = 0, concat('u', toString(number)), '')], [last], [toUInt8(number % 10 = 0)]),
     arrayReduce('uniqExactIfState', [concat('s', toString(number))], [toUInt8(1)]),
     arrayReduce('argMaxIfState', [(concat('cart-', toString(number)), toUInt32(1 + number % 3), toDecimal64(9.5 + number % 50, 4))], [last], [toUInt8(1)]),
     arrayReduce('maxIfState', [last], [toUInt8(1)])
   FROM numbers(${people}) SETTINGS async_insert = 0, max_block_size = 262144, max_insert_block_size = 262144, min_insert_block_size_rows = 262144`,
  `INSERT INTO spoor.identities SELECT 'shop', concat('v', leftPad(toString(number), 7, '0')), concat('u', toString(number)),
     now64(3) - toIntervalSecond(200000), now64(3) - toIntervalSecond(100000) FROM numbers(${people}) WHERE number % 10 = 0 SETTINGS async_insert = 0`,
  `INSERT INTO spoor.customer_traits SELECT 'shop', concat('u', toString(number)),
     arrayReduce('argMaxState', [map('email', concat('u', toString(number), '@example.com'))], [now64(3)]), now64(3)
   FROM numbers(${people}) WHERE number % 10 = 0 SETTINGS async_insert = 0`,
];

async function cli(args, dataDir) {
  const started = performance.now();
  const { stdout } = await exec(process.execPath, [spoor, ...args], {
    env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  return { ms: performance.now() - started, stdout };
}

/** Runs an export to a file, sampling the exporting process's peak memory. */
function exportCsv(dataDir, out) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [spoor, 'segments', 'export', 'cart_abandoners', '--format', 'csv', '--out', out], {
      env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(child.pid).peak_mib || 0)), 50);
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`export exited with ${code}`));
      else resolve({ ms: performance.now() - started, peak });
    });
  });
}

export async function run(ctx) {
  const events = ctx.quick ? 50_000 : 1_000_000;
  const people = ctx.quick ? 50_000 : 1_000_000;
  const { stdout } = await exec(process.execPath, [join(root, 'bench/servers/ingest.mjs'), 'views', String(events), '0'], { maxBuffer: 2 ** 24 });
  const loaded = JSON.parse(stdout.trim().split('\n').at(-1));
  const list = [];
  for (let i = 0; i < Math.max(3, ctx.runs); i++) list.push((await cli(['segments', 'list'], loaded.data_dir)).ms);

  const big = tempDir('segments-export');
  await cli(['migrate'], big);
  for (const sql of FILL(people)) await cli(['sql', sql], big);
  // Exports go through a running spoor up, as a marketer's would: the exporting process is then a
  // client of the engine, and its memory is the streaming's alone.
  const [port, chPort] = [await freePort(), await freePort()];
  const up = start(process.execPath, [spoor, 'up', '--port', String(port), '--clickhouse-port', String(chPort)], {
    env: { SPOOR_DATA_DIR: big, SPOOR_LOG_LEVEL: 'warn' },
    ready: 'spoor is up',
    timeoutMs: 120_000,
  });
  await up.started;
  const exports = [];
  try {
    for (let i = 0; i < ctx.runs; i++) exports.push(await exportCsv(big, join(big, 'out.csv')));
  } finally {
    exports.serverPeak = memoryOf(up.child.pid).peak_mib;
    await up.stop();
  }
  rmSync(big, { recursive: true, force: true });
  rmSync(loaded.data_dir, { recursive: true, force: true });
  const exportMs = summary(exports.map((e) => e.ms / 1000));
  const peak = summary(exports.map((e) => e.peak));
  return {
    figures: [
      { what: `segments list (10 built-ins, ${loaded.events.toLocaleString('en-US')} events)`, value: summary(list.map((ms) => ms / 1000)), unit: 's' },
      { what: `export ${people.toLocaleString('en-US')} people as CSV`, value: exportMs, unit: 's', target: '< 5 s (issue 15)', met: exportMs.median < 5 },
      { what: '  rows per second', value: summary(exports.map((e) => people / (e.ms / 1000))), unit: 'rows/s' },
      { what: '  peak RSS of the exporting process', value: peak, unit: 'MiB', target: '≤ ~200 MiB', met: peak.median <= 200 },
      { what: '  peak RSS of spoor up (engine evaluating the segment)', value: exports.serverPeak, unit: 'MiB' },
    ],
    notes: [
      '`segments list` runs the `spoor` command on the data directory (no spoor up), process start included (about a second of it is loading the engine); the export runs `spoor segments export --out` against a running spoor up.',
      'The million people are built inside the engine (visitor profiles with an open cart, a tenth identified with an e-mail trait), so every one of them is a cart abandoner.',
      "Where an export's time goes (CPU seconds, measured 2026-12-01 on a machine loaded by other work, the same million people): before, the exporting process used 3.5–3.8 s (parsing JSON rows 1 s, garbage collection 0.8 s, CSV cells 0.6 s, writing 0.3 s) and spoor up 6–7.5 s, of which the segment query alone (FORMAT Null) 4.2–4.8 s: finalising visitor_profiles' GROUP BY over every visitor 1.5 s, grouping every browser per person 1.3 s, the traits join 0.3 s, filter and sort the rest. Now the engine writes the CSV lines (0.45 s of cells in SQL) and the exporting process only writes bytes (1.3–1.6 s, half of it starting node); the person rows read visitor_activity FINAL (0.6 s instead of 1.5 s) and group only the identified tenth, so the query with its lines takes 2.7 s (4.9 s before, as rows) and spoor up 3.3–3.5 s in all (6.1 s before) on a quieter machine.",
    ],
  };
}
