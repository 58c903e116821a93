// Ingestion while analysts query: `spoor up`'s event-to-queryable latency at a steady rate, first
// with no analyst query, then with 16 CPU-heavy analyst queries and 4 memory bombs running all the
// time (each restarted as it ends at its limit), side by side in one process and one run.
import { batchBodies } from '../lib/load.mjs';
import { sleep } from '../lib/processes.mjs';
import { percentile, summary } from '../lib/stats.mjs';
import { freshness, spoorUp } from './e2e.mjs';

export const title = 'Ingestion while analysts query (spoor up)';

const PASSWORD = 'bench-analyst-password';
const HOG = 'SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) % 7 = 1';
const BOMB = 'SELECT length(groupArray(number)) FROM numbers(2000000000)';

/** Keeps `n` copies of a query running as the analyst until stopped; counts the answers by code. */
function storm(up, query, n, outcomes) {
  let stop = false;
  const loops = Array.from({ length: n }, async () => {
    while (!stop) {
      const res = await fetch(`http://127.0.0.1:${up.chPort}/?query=${encodeURIComponent(query)}`, {
        headers: { 'X-ClickHouse-User': 'analyst', 'X-ClickHouse-Key': PASSWORD },
      }).catch(() => undefined);
      const code = res ? (res.headers.get('x-clickhouse-exception-code') ?? String(res.status)) : 'network';
      await res?.arrayBuffer().catch(() => undefined);
      outcomes[code] = (outcomes[code] ?? 0) + 1;
    }
  });
  return async () => {
    stop = true;
    await Promise.all(loops);
  };
}

export async function run(ctx) {
  const seconds = ctx.quick ? 4 : 15;
  const rate = ctx.quick ? 500 : 2_000;
  const bodies = batchBodies('demo');
  const runs = [];
  const outcomes = {};
  for (let i = 0; i < ctx.runs; i++) {
    const up = await spoorUp({ SPOOR_ANALYST_PASSWORD: PASSWORD, SPOOR_ANALYST_MAX_EXECUTION_TIME: '10' });
    try {
      await sleep(ctx.quick ? 1_000 : 5_000);
      const calm = await freshness(up, bodies, rate, seconds);
      const stopHogs = storm(up, HOG, 16, outcomes);
      const stopBombs = storm(up, BOMB, 4, outcomes);
      await sleep(1_000);
      const busy = await freshness(up, bodies, rate, seconds);
      await stopHogs();
      await stopBombs();
      runs.push({ calm50: percentile(calm, 50), calm99: percentile(calm, 99), busy50: percentile(busy, 50), busy99: percentile(busy, 99) });
    } finally {
      await up.stop();
    }
  }
  const of = (k) => summary(runs.map((r) => r[k]));
  const ratio = summary(runs.map((r) => r.busy99 / Math.max(r.calm99, 1)));
  return {
    figures: [
      { what: `event-to-queryable p50 at ${rate.toLocaleString('en-US')} events/s, no analyst query`, value: of('calm50'), unit: 'ms' },
      { what: 'event-to-queryable p99, no analyst query', value: of('calm99'), unit: 'ms' },
      { what: 'event-to-queryable p50 with 20 analyst queries always running', value: of('busy50'), unit: 'ms' },
      { what: 'event-to-queryable p99 with 20 analyst queries always running', value: of('busy99'), unit: 'ms' },
      { what: 'p99 with analysts ÷ p99 without', value: ratio, unit: '×' },
    ],
    notes: [
      `Analyst answers during the runs, by ClickHouse code (241 memory limit, 159 time limit, 202 lane full): ${JSON.stringify(outcomes)}.`,
      "The analyst user runs with its default limits (docs/OPERATIONS.md) but a 10 s time limit: 16 CPU hogs and 4 memory bombs, each sent again as soon as it ends, against the 16-query lane (the rest wait, then get 202). Its query threads run at nice 19 (needs CAP_SYS_NICE; as root here), so the worker's inserts keep the CPU.",
      'Latency as in the e2e scenario: a one-event probe batch every 200 ms among the load, timed from its POST until a primary-key poll saw it.',
    ],
  };
}
