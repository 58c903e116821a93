// Opens ClickHouse for a CLI command: through a running `spoor up` (which holds the embedded data
// directory) via its ClickHouse HTTP interface, else the data directory or the configured server.
import { openWarehouse, type Warehouse } from '@spoor/warehouse';
import { warehouseConfig, type Config } from './config.js';
import { dataDir, liveRunState, readAdminToken } from './data-dir.js';
import { CliError } from './errors.js';

export async function connectWarehouse(config: Config): Promise<Warehouse> {
  const dir = dataDir(config.dataDir);
  const running = config.CLICKHOUSE_URL ? undefined : liveRunState(dir);
  const target = running?.clickhouse_port
    ? {
        url: `http://127.0.0.1:${running.clickhouse_port}`,
        username: 'spoor',
        password: readAdminToken(dir, config.SPOOR_ADMIN_TOKEN),
        database: config.CLICKHOUSE_DATABASE,
      }
    : warehouseConfig(config);
  try {
    return await openWarehouse(target);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Runs `fn` with a connection, closing it after; ClickHouse errors become one CLI line. */
export async function withWarehouse<T>(config: Config, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await connectWarehouse(config);
  try {
    return await fn(wh);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(((err as Error).message ?? String(err)).trim().split('\n')[0]!);
  } finally {
    await wh.close();
  }
}
