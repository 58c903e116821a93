// Order-history import: `spoor import orders` of a generic CSV of a million order lines (about
// 2.5 lines per order, five years, two currencies, some refunds) into a fresh data directory, and
// the same file again (idempotent: nothing changes, the inserts are recognised as duplicates).
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { memoryOf, tempDir } from '../lib/processes.mjs';
import { summary } from '../lib/stats.mjs';

export const title = 'Import: a million order lines from a CSV file';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const spoor = join(root, 'apps/cli/bin/spoor.cjs');
const exec = promisify(execFile);

/** Writes `lines` order lines; returns the orders and refunds in it. Deterministic (a fixed LCG). */
async function writeOrders(path, lines) {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('order_id,customer_id,email,created_at,total,currency,product_id,quantity,price,refund\n');
  const start = Date.UTC(2020, 0, 1);
  let written = 0;
  let orders = 0;
  let refunds = 0;
  while (written < lines) {
    const n = Math.min(lines - written, 1 + Math.floor(rand() * 4));
    const customer = Math.floor(rand() * 200_000);
    const at = new Date(start + Math.floor(rand() * 5 * 365 * 86_400_000)).toISOString();
    const currency = rand() < 0.8 ? 'EUR' : 'USD';
    const items = Array.from({ length: n }, () => ({
      product: `p${Math.floor(rand() * 5_000)}`,
      quantity: 1 + Math.floor(rand() * 3),
      cents: 199 + Math.floor(rand() * 9_800),
    }));
    const total = items.reduce((s, i) => s + i.quantity * i.cents, 0);
    const refund = rand() < 0.03 ? (Math.floor(total / 2) / 100).toFixed(2) : '';
    if (refund) refunds++;
    orders++;
    let text = '';
    for (const i of items) {
      text += `o${orders},c${customer},c${customer}@example.com,${at},${(total / 100).toFixed(2)},${currency},${i.product},${i.quantity},${(i.cents / 100).toFixed(2)},${refund}\n`;
    }
    await write(text);
    written += n;
  }
  await new Promise((r) => out.end(r));
  return { orders, refunds };
}

/** Runs the import, sampling the importing process's peak memory (the embedded engine is in it). */
function importFile(file, dataDir) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [spoor, 'import', 'orders', file, '--site', 'bench'], {
      env: { ...process.env, SPOOR_DATA_DIR: dataDir, SPOOR_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(child.pid).peak_mib || 0)), 100);
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`import exited with ${code}: ${stderr}`));
      else resolve({ ms: performance.now() - started, peak });
    });
  });
}

async function sql(query, dataDir) {
  const { stdout } = await exec(process.execPath, [spoor, 'sql', query, '--format', 'tsv'], { env: { ...process.env, SPOOR_DATA_DIR: dataDir } });
  return stdout.trim().split('\n').at(-1);
}

export async function run(ctx) {
  const lines = ctx.quick ? 50_000 : 1_000_000;
  const work = tempDir('import');
  const file = join(work, 'orders.csv');
  const { orders, refunds } = await writeOrders(file, lines);
  const first = [];
  const again = [];
  const peaks = [];
  try {
    for (let i = 0; i < ctx.runs; i++) {
      const dataDir = join(work, `data-${i}`);
      const run = await importFile(file, dataDir);
      first.push(run.ms / 1000);
      peaks.push(run.peak);
      again.push((await importFile(file, dataDir)).ms / 1000);
      const counted = await sql("SELECT sum(orders) FROM spoor.customer_profiles WHERE site_id = 'bench'", dataDir);
      if (Number(counted) !== orders) throw new Error(`customer_profiles counts ${counted} orders, the file has ${orders}`);
      rmSync(dataDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const firstS = summary(first);
  return {
    figures: [
      {
        what: `import ${lines.toLocaleString('en-US')} order lines (${orders.toLocaleString('en-US')} orders, ${refunds.toLocaleString('en-US')} refunds)`,
        value: firstS,
        unit: 's',
        target: '< 60 s',
        met: firstS.median < 60,
      },
      { what: '  order lines per second', value: summary(first.map((s) => lines / s)), unit: 'lines/s' },
      { what: 'the same file again (nothing changes)', value: summary(again), unit: 's' },
      { what: 'peak RSS of the importing process (engine included)', value: summary(peaks), unit: 'MiB' },
    ],
    notes: [
      'The `spoor` command on a fresh data directory (no spoor up), process start and migrations included; the file is generated first (not timed).',
      'Each run checks that customer_profiles counts every order of the file once, after the second import too.',
    ],
  };
}
