// Start-up check of what exactly-once depends on in ClickHouse: every MergeTree table (view
// targets included) keeps enough insert hashes to recognise a retried insert, and the server
// accepts the per-insert settings the worker sends. A weaker setup refuses to start.
import type { Warehouse } from './client.js';
import { WarehouseError } from './errors.js';
import { dedupInsertSettings } from './settings.js';
import { settingsClause } from './sql.js';

/** Inserts kept for deduplication per table; a retry older than this many inserts is not recognised. */
export const MIN_DEDUP_WINDOW = 10_000;

export interface SettingsProblem {
  table: string;
  setting: string;
  value: string;
}

/** Problems found, empty when the database is safe. */
export async function checkDedupSettings(wh: Warehouse): Promise<SettingsProblem[]> {
  const tables = await wh.query<{ name: string; engine: string; engine_full: string }>(
    `SELECT name, engine, engine_full FROM system.tables
     WHERE database = {db:String} AND engine LIKE '%MergeTree%' ORDER BY name`,
    { db: wh.database },
  );
  const problems: SettingsProblem[] = [];
  for (const t of tables) {
    const replicated = t.engine.startsWith('Replicated');
    const setting = replicated ? 'replicated_deduplication_window' : 'non_replicated_deduplication_window';
    const match = new RegExp(`${setting}\\s*=\\s*(\\d+)`).exec(t.engine_full);
    // Replicated tables default to a window of 1000 when the setting is not spelled out.
    const value = match ? Number(match[1]) : replicated ? 1_000 : 0;
    const needed = replicated ? 1_000 : MIN_DEDUP_WINDOW;
    if (value < needed) problems.push({ table: `${wh.database}.${t.name}`, setting, value: String(value) });
  }
  // The server must take the per-insert settings as sent (a readonly profile would refuse them).
  const probe = dedupInsertSettings('settings-probe');
  const [effective] = await wh.query<Record<string, string | number>>(
    `SELECT ${Object.keys(probe)
      .map((k) => `toString(getSetting('${k}')) AS ${k}`)
      .join(', ')} ${settingsClause(probe)}`,
  );
  const normal = (x: unknown) => ({ true: '1', false: '0' })[String(x)] ?? String(x);
  for (const [k, v] of Object.entries(probe)) {
    if (normal(effective?.[k]) !== normal(typeof v === 'boolean' ? Number(v) : v)) {
      problems.push({ table: '(insert settings)', setting: k, value: String(effective?.[k]) });
    }
  }
  return problems;
}

/** Throws `unsafe_settings` naming each weak setting. */
export async function assertDedupSettings(wh: Warehouse): Promise<void> {
  const problems = await checkDedupSettings(wh);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.table} ${p.setting} = ${p.value}`).join('; ');
    throw new WarehouseError(
      'unsafe_settings',
      `ClickHouse is not set up for exactly-once inserts (${list}); every MergeTree table needs non_replicated_deduplication_window >= ${MIN_DEDUP_WINDOW}, and inserts need async_insert=0, insert_deduplicate=1, deduplicate_blocks_in_dependent_materialized_views=1`,
    );
  }
}
