// Recommendations: quality on planted affinities (hit rate at 4 of each shopper's held-out last
// order, against the best sellers they had not bought), and what keeping their statistics costs
// every insert (the same events with and without the recommendation views, side by side).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { summary } from '../lib/stats.mjs';

export const title = 'Recommendations: hit rate on planted affinities, insert cost of their views';

const servers = join(dirname(fileURLToPath(import.meta.url)), '../servers');
const exec = promisify(execFile);

async function child(script, args) {
  const { stdout } = await exec(process.execPath, [join(servers, script), ...args.map(String)], { maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

export async function run(ctx) {
  const visitors = ctx.quick ? 600 : 3_000;
  const events = ctx.quick ? 50_000 : 300_000;
  const quality = [];
  const withRec = [];
  const without = [];
  for (let i = 0; i < ctx.runs; i++) {
    quality.push(await child('recommend-quality.mjs', [41 + i, visitors]));
    // Alternate, so drift on a shared machine hits both the same way.
    withRec.push(await child('ingest.mjs', ['views', events, 0, 0.8]));
    without.push(await child('ingest.mjs', ['norec', events, 0, 0.8]));
  }
  const of = (list, k) => summary(list.map((r) => r[k]));
  const hit = of(quality, 'hit_rate');
  const base = of(quality, 'baseline');
  const ratio = summary(quality.map((q) => q.hit_rate / q.baseline));
  const reasons = quality[0].reasons;
  return {
    figures: [
      { what: 'hit rate@4, recommendations', value: hit, unit: '' },
      { what: 'hit rate@4, best sellers (baseline)', value: base, unit: '' },
      { what: 'recommendations / baseline', value: ratio, unit: '×', target: '> 1.5', met: ratio.median > 1.5 },
      { what: 'shoppers evaluated per run', value: of(quality, 'cases'), unit: '' },
      { what: 'insert rows/s, all views', value: of(withRec, 'rows_per_s'), unit: 'rows/s' },
      { what: 'insert rows/s, without the recommendation views', value: of(without, 'rows_per_s'), unit: 'rows/s' },
      {
        what: 'cost of the recommendation views (time with / without)',
        value: summary(withRec.map((r, i) => r.insert_ms / without[i].insert_ms)),
        unit: '×',
      },
    ],
    notes: [
      `Quality: @spoor/traffic with planted affinities (${visitors.toLocaleString('en-US')} visitors, 80% of a shopper's products from their taste, one of nine groups of four products spanning two categories), each shopper's last order held out with its whole session and everything after; a hit is one of the first four recommendations (as /v1/me gives them) in that order's new products. Baseline: the four best sellers the shopper had not bought. Top-4 reasons in the first run: ${Object.entries(
        reasons,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      `Insert cost: ${events.toLocaleString('en-US')} events of the same traffic inserted the worker's way (10,000 rows per insert) with every view, and with every view but products_mv, session_products_mv and the two product_pairs views.`,
    ],
  };
}
