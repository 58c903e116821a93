// Child of the recommend scenario: planted-affinity traffic with each shopper's last order held
// out goes into a fresh embedded ClickHouse the worker's way; then every held-out shopper's
// recommendations (as /v1/me gives them) and the best sellers they have not bought are scored
// against the order. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, createPersonalization, loadCatalog } from '@spoor/personalization';
import { loadCatalog as loadSegments } from '@spoor/segments';
import { generateTraffic, hitRate, holdOutLastOrders } from '@spoor/traffic';
import { dedupInsertSettings, migrate, openReader, openWarehouse } from '@spoor/warehouse';
import { batchRows } from '../lib/worker-rows.mjs';

const [seed, visitors] = [Number(process.argv[2]), Number(process.argv[3])];
const site = 'bench';
const wh = await openWarehouse({ dataDir: mkdtempSync(join(tmpdir(), 'spoor-bench-quality-')) });
await migrate(wh);
const now = Date.now();
const holdout = holdOutLastOrders(generateTraffic({ seed, visitors, site, now, affinity: 0.8 }));
let rows = [];
let inserts = 0;
for (const b of holdout.batches) {
  rows.push(...batchRows(b, { site, now, serverSide: true }));
  if (rows.length >= 5_000 || b === holdout.batches.at(-1)) {
    await wh.insert('events', rows, dedupInsertSettings(`quality-${inserts++}`));
    rows = [];
  }
}
const reader = await openReader(wh);
const personalization = createPersonalization(reader, { segments: () => loadSegments() });
const policy = { site, exposeTraits: [], exposeSegments: [], repurchaseProducts: [] };
const ours = new Map();
const reasons = {};
for (const c of holdout.cases) {
  const me = await personalization.me(policy, c.visitorId);
  const list = me.known ? me.recommendations : [];
  ours.set(
    c.person,
    list.map((r) => r.product_id),
  );
  for (const r of list.slice(0, 4)) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
}
const catalog = await loadCatalog(reader, site);
const popular = (c) => assemble({ seeds: [], partners: new Map(), catalog, exclude: new Set(c.bought), limit: 4 }).map((r) => r.product_id);
const result = {
  cases: holdout.cases.length,
  events: holdout.events.length,
  hit_rate: hitRate(holdout.cases, (c) => ours.get(c.person) ?? []),
  baseline: hitRate(holdout.cases, popular),
  reasons,
};
await reader.close();
await wh.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
