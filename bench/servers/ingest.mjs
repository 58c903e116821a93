// Child of the warehouse and recommend scenarios: inserts generated events into a fresh embedded
// ClickHouse the way the worker does (JSONEachRow, 10,000 rows per insert, a dedup token each), with
// all the materialized views, without them (`noviews`) or without the recommendation statistics
// (`norec`), then times profile lookups. Prints one JSON line of results.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTraffic } from '@spoor/traffic';
import { DEFAULT_MIGRATIONS_DIR, dedupInsertSettings, migrate, openWarehouse, refreshComputedAhead } from '@spoor/warehouse';
import { migrationsFor } from '../lib/migrations.mjs';
import { batchRows } from '../lib/worker-rows.mjs';

const [mode, target, lookups] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] ?? 0)];
// Planted product affinities (shoppers view products on product pages), as the recommend scenario wants.
const affinity = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
const dir = mkdtempSync(join(tmpdir(), `spoor-bench-wh-${mode}-`));
const migrations = migrationsFor(mode === 'norec' || mode === 'noviews' ? mode : 'views', dir);
// Laid out like SPOOR_DATA_DIR, so `spoor` commands can open it afterwards.
const wh = await openWarehouse({ dataDir: join(dir, 'clickhouse') });
await migrate(wh, { dir: migrations });

const now = Date.now();
let inserted = 0;
let insertMs = 0;
let inserts = 0;
let seed = 1;
const visitors = [];
while (inserted < target) {
  // Traffic comes in slices of visitors so memory stays flat.
  const traffic = generateTraffic({ seed: seed++, visitors: 2_000, now, site: 'bench', resendBatchRate: 0, resendEventsRate: 0, affinity });
  visitors.push(traffic.events[0].visitor_id);
  let rows = [];
  for (const b of traffic.batches) {
    rows.push(...batchRows(b, { site: 'bench', now }));
    if (rows.length >= 10_000 || b === traffic.batches.at(-1)) {
      const t0 = performance.now();
      await wh.insert('events', rows, dedupInsertSettings(`bench-${inserts++}`));
      insertMs += performance.now() - t0;
      inserted += rows.length;
      rows = [];
      if (inserted >= target) break;
    }
  }
}

const result = { mode, events: inserted, inserts, insert_ms: insertMs, rows_per_s: inserted / (insertMs / 1000), data_dir: dir };
if (lookups > 0) {
  // RFM thresholds are computed ahead (every 30 s on their own): one refresh now, timed, so the
  // customer lookups score against all the data inserted above.
  const r0 = performance.now();
  await refreshComputedAhead(wh);
  result.rfm_refresh_ms = performance.now() - r0;
  const customers = (await wh.query("SELECT customer_id FROM spoor.customer_profiles WHERE site_id = 'bench' LIMIT 1000")).map((r) => r.customer_id);
  // Wall time per lookup, and CPU time (the embedded engine's threads are this process's).
  const time = async (sql, ids, n = lookups) => {
    const out = [];
    const cpu = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await wh.query(sql, { id: ids[i % ids.length] });
      const c = process.cpuUsage(c0);
      out.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    return { out, cpu };
  };
  const visitorSql = "SELECT * FROM spoor.visitor_profiles WHERE site_id = 'bench' AND visitor_id = {id:String}";
  const customerSql = "SELECT * FROM spoor.customer_profiles WHERE site_id = 'bench' AND customer_id = {id:String}";
  const visitor = await time(visitorSql, visitors);
  const customer = await time(customerSql, customers);
  // Where a lookup's time goes: the engine plans the same query without reading its tables
  // (EXPLAIN; it still runs scalar subqueries, as planning does), and a query that reads nothing.
  const planLookups = Math.min(lookups, 100);
  const visitorPlan = await time(`EXPLAIN ${visitorSql}`, visitors, planLookups);
  const customerPlan = await time(`EXPLAIN ${customerSql}`, customers, planLookups);
  const empty = await time('SELECT {id:String} AS id', visitors, planLookups);
  // The engine's planning cost per expression, on no table at all: 40 additions over one row.
  const additions = Array.from({ length: 40 }, (_, i) => `number + ${i} AS a${i}`).join(', ');
  const forty = await time(`EXPLAIN SELECT ${additions} FROM numbers(1) WHERE {id:String} != ''`, visitors, planLookups);
  // The same lookup as customer_profiles answered it before migration 0090 (ranks computed per
  // query), from that migration's own text, on the same data: the baseline of the figure above.
  const before = readFileSync(join(DEFAULT_MIGRATIONS_DIR, '0053_lifecycle_rule.sql'), 'utf8');
  const ranked = before.slice(before.indexOf('CREATE OR REPLACE VIEW'), before.indexOf('\nCOMMENT', before.indexOf('CREATE OR REPLACE VIEW')));
  await wh.command(ranked.replace('{{db}}.customer_profiles {{on_cluster}}', 'spoor.bench_customer_profiles_ranked').replaceAll('{{db}}', 'spoor'));
  const rankedPerQuery = await time(
    "SELECT * FROM spoor.bench_customer_profiles_ranked WHERE site_id = 'bench' AND customer_id = {id:String}",
    customers,
    Math.min(lookups, 50),
  );
  await wh.command('DROP VIEW spoor.bench_customer_profiles_ranked');
  Object.assign(result, {
    visitor_lookup_ms: visitor.out,
    visitor_lookup_cpu_ms: visitor.cpu,
    customer_lookup_ms: customer.out,
    customer_lookup_cpu_ms: customer.cpu,
    visitor_plan_ms: visitorPlan.out,
    customer_plan_ms: customerPlan.out,
    empty_query_ms: empty.out,
    forty_expressions_plan_ms: forty.out,
    ranked_lookup_ms: rankedPerQuery.out,
    ranked_lookup_cpu_ms: rankedPerQuery.cpu,
  });
  const [size] = await wh.query("SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = 'spoor' AND active");
  result.bytes_on_disk = size.bytes;
}
await wh.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
