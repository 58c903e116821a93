// Warehouse: 1,000,000 generated events inserted the worker's way with all materialized views on
// and with the raw tables only, side by side; and profile lookups on the result.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { percentile, summary } from '../lib/stats.mjs';

export const title = 'Warehouse: ingest with and without the views, profile lookups';

const script = join(dirname(fileURLToPath(import.meta.url)), '../servers/ingest.mjs');

async function ingest(mode, events, lookups) {
  const { stdout } = await promisify(execFile)(process.execPath, [script, mode, String(events), String(lookups)], {
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

export async function run(ctx) {
  const events = ctx.quick ? 50_000 : 1_000_000;
  const withViews = [];
  const without = [];
  for (let i = 0; i < ctx.runs; i++) {
    // Alternate, so drift on a shared machine hits both the same way.
    withViews.push(await ingest('views', events, i === 0 ? 200 : 0));
    without.push(await ingest('noviews', events, 0));
  }
  const rate = (rs) => summary(rs.map((r) => r.rows_per_s));
  const first = withViews[0];
  const mib = first.bytes_on_disk / 2 ** 20;
  return {
    figures: [
      { what: `insert rows/s, all views (${first.events.toLocaleString('en-US')} events)`, value: rate(withViews), unit: 'rows/s' },
      { what: 'insert rows/s, raw tables only', value: rate(without), unit: 'rows/s' },
      { what: 'cost of the views (time with / without)', value: summary(withViews.map((r, i) => r.insert_ms / without[i].insert_ms)), unit: '×' },
      { what: 'ms per 10,000-row insert, all views', value: summary(withViews.map((r) => r.insert_ms / r.inserts)), unit: 'ms' },
      { what: 'visitor profile lookup p50', value: percentile(first.visitor_lookup_ms, 50), unit: 'ms' },
      {
        what: 'visitor profile lookup p99',
        value: percentile(first.visitor_lookup_ms, 99),
        unit: 'ms',
        target: '< 20 ms',
        met: percentile(first.visitor_lookup_ms, 99) < 20,
      },
      { what: 'customer profile lookup p50', value: percentile(first.customer_lookup_ms, 50), unit: 'ms' },
      {
        what: 'customer profile lookup p99',
        value: percentile(first.customer_lookup_ms, 99),
        unit: 'ms',
        target: '< 20 ms',
        met: percentile(first.customer_lookup_ms, 99) < 20,
      },
      { what: '  customer lookup CPU p50 (engine threads included)', value: percentile(first.customer_lookup_cpu_ms, 50), unit: 'ms' },
      { what: '  same lookup with ranks per query (customer_profiles before 0090) p50', value: percentile(first.ranked_lookup_ms, 50), unit: 'ms' },
      { what: '  same lookup with ranks per query, CPU p50', value: percentile(first.ranked_lookup_cpu_ms, 50), unit: 'ms' },
      { what: 'visitor lookup CPU p50 (engine threads included)', value: percentile(first.visitor_lookup_cpu_ms, 50), unit: 'ms' },
      { what: 'RFM thresholds refresh (whole site, every 30 s in the background)', value: first.rfm_refresh_ms, unit: 'ms' },
      {
        what: 'ClickHouse data size per million events, all tables',
        value: (mib / first.events) * 1e6,
        unit: 'MiB',
        target: '≤ 60 MiB (issue 15)',
        met: (mib / first.events) * 1e6 <= 60,
      },
    ],
    notes: [
      "Rows are built by the worker's own mapping (eventRows) from @spoor/traffic shop traffic and inserted through @clickhouse/client into the embedded engine; generation time is not counted.",
      "Lookups: 200 single-visitor and 200 single-customer queries of visitor_profiles / customer_profiles after the first run with views, one at a time; CPU is the process's CPU time per lookup, which includes the embedded engine's threads (a steadier figure than wall time on a shared machine). The baseline with ranks per query is 0053's customer_profiles made again under another name on the same data, 50 lookups of the same customers.",
      "A customer lookup is the whole customer_profiles row of one customer: its figures from customer_transactions by primary key (the identified rows by user_id, anonymous rows by visitor_id, plus the anonymous rows of browsers identified as the customer, resolved through identities) and its r/f/m scores placed against the site's RFM thresholds, which rfm_thresholds_mv computes ahead every 30 s (so scores are at most 30 s behind the figures, which are current). The refresh itself, timed once before the lookups, ranks every customer of the site (about 21,500 at a million events) and is the figure above; before migration 0090 every customer lookup paid for it, which is what the ranks-per-query baseline shows.",
      'A visitor lookup reads one 256-row granule of visitor_activity (the aggregate states of 256 visitors).',
    ],
  };
}
