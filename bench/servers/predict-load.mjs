// Child of the predict scenario: a fresh data directory with the CDNOW sample (site `cdnow`, its
// dates moved to 2025) and N customers drawn from the CDNOW-fitted models (site `gen`), inserted
// the way the worker inserts a server's batches (wire validation, eventRows, 10,000 rows per
// insert with a dedup token). Prints one JSON line: the data directory and the counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent } from '@spoor/events';
import { simulateCustomers } from '@spoor/predict';
import { CDNOW_PUBLISHED, cdnowPurchaseEvents, readCdnow } from '@spoor/traffic';
import { dedupInsertSettings, migrate, openWarehouse } from '@spoor/warehouse';
import { eventRows } from '@spoor/worker';

const generated = Number(process.argv[2] ?? 100_000);
/** First day of the generated shop; its calibration ends 39 weeks later, like CDNOW's. */
const GEN_START = Date.parse('2024-01-01T00:00:00Z');
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'spoor-bench-predict-'));
const wh = await openWarehouse({ dataDir: join(dir, 'clickhouse') });
await migrate(wh);

let inserts = 0;
async function insert(site, events) {
  for (let i = 0; i < events.length; i += 10_000) {
    const accepted = events.slice(i, i + 10_000).map((raw, index) => {
      const v = validateEvent(raw, index);
      if (!v.ok) throw new Error(`${site} event ${i + index}: ${v.error.path} ${v.error.message}`);
      return { ...v.value, client_ts: v.value.ts, flags: ['late'] };
    });
    const job = {
      v: 1, site, batch_id: `bench-${inserts}`, received_at: Date.now(), sent_at: Date.now(),
      ctx: { user_agent: 'bench', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false, server_side: true },
      events: accepted, rejected: [],
    };
    await wh.insert('events', eventRows(job), dedupInsertSettings(`bench-predict-${inserts++}`));
  }
  return events.length;
}

const cdnowEvents = await insert('cdnow', cdnowPurchaseEvents(readCdnow()));
const customers = simulateCustomers({
  customers: generated,
  bgnbd: CDNOW_PUBLISHED.bgnbd,
  spend: CDNOW_PUBLISHED.gammaGamma,
  cohortWeeks: 12,
  weeks: 78,
  seed: 17,
});
const genEvents = customers.flatMap((c, i) =>
  c.purchases.map((w, j) => ({
    event_id: `00000000-0000-4000-9000-${(i * 64 + j).toString(16).padStart(12, '0')}`,
    type: 'purchase',
    ts: GEN_START + Math.round(w * 7 * DAY),
    visitor_id: `g${i}`,
    user_id: `g${i}`,
    order: { order_id: `g${i}-${j}`, revenue: c.values[j].toFixed(2), currency: 'USD', items: [] },
  })),
);
await insert('gen', genEvents);
await wh.close();
const genAsOf = new Date(GEN_START + 39 * 7 * DAY - DAY).toISOString().slice(0, 10);
process.stdout.write(`${JSON.stringify({ data_dir: dir, cdnow_events: cdnowEvents, gen_customers: generated, gen_events: genEvents.length, gen_as_of: genAsOf })}\n`);
