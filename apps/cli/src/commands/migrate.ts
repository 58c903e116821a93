// `spoor migrate`: apply clickhouse/migrations to the configured ClickHouse (idempotent).
import { migrate as runMigrations, openWarehouse } from '@spoor/warehouse';
import { parseFlags } from '../command.js';
import { loadConfig, warehouseConfig, type Config } from '../config.js';
import { dataDir, liveRunState } from '../data-dir.js';
import { CliError } from '../errors.js';
import { MIGRATIONS_DIR } from '../paths.js';

export const name = 'migrate';

export const usage = `  spoor migrate                                      apply clickhouse/migrations (idempotent)`;

export const options = {} as const;

export async function run(argv: string[]): Promise<void> {
  parseFlags(argv, options);
  process.stdout.write(`${await migrate(loadConfig())}\n`);
}

async function migrate(config: Config): Promise<string> {
  const dir = dataDir(config.dataDir);
  if (!config.CLICKHOUSE_URL && liveRunState(dir)) {
    // spoor up migrates at start and holds the data directory.
    return 'spoor up is running on this data directory and applied the migrations when it started';
  }
  const wh = await openWarehouse(warehouseConfig(config)).catch((err: Error) => {
    throw new CliError(err.message);
  });
  try {
    const r = await runMigrations(wh, { dir: MIGRATIONS_DIR, cluster: config.SPOOR_CLICKHOUSE_CLUSTER });
    const names = r.applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
    return names.length > 0 ? `applied ${names.length} migration(s): ${names.join(', ')}` : `up to date (${r.skipped} migration(s) already applied)`;
  } catch (err) {
    throw new CliError((err as Error).message);
  } finally {
    await wh.close();
  }
}
