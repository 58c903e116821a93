// `spoor sql "SELECT ..."`: through a running `spoor up` (which holds the data directory), else by
// opening the data directory or the ClickHouse server itself.
import { openWarehouse, runSqlText, SQL_FORMATS, type SqlFormat } from '@spoor/warehouse';
import { warehouseConfig, type Config } from '../config.js';
import { adminToken, dataDir, liveRunState } from '../data-dir.js';
import { CliError } from '../errors.js';

export async function sql(config: Config, query: string, format: SqlFormat): Promise<string> {
  if (!query.trim()) throw new CliError('spoor sql needs a query, e.g. spoor sql "SELECT count() FROM spoor.events"');
  const dir = dataDir(config.dataDir);
  const running = config.CLICKHOUSE_URL ? undefined : liveRunState(dir);
  if (running?.clickhouse_port) {
    return viaRunningProcess(running.clickhouse_port, adminToken(dir, config.SPOOR_ADMIN_TOKEN).token, query, format);
  }
  const wh = await openWarehouse(warehouseConfig(config)).catch((err: Error) => {
    throw new CliError(err.message);
  });
  try {
    return await runSqlText(wh, query, format);
  } catch (err) {
    throw new CliError(firstLine((err as Error).message));
  } finally {
    await wh.close();
  }
}

export async function viaRunningProcess(port: number, token: string, query: string, format: SqlFormat): Promise<string> {
  const url = `http://127.0.0.1:${port}/?default_format=${SQL_FORMATS[format]}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body: query,
      headers: { 'X-ClickHouse-User': 'spoor', 'X-ClickHouse-Key': token },
    });
  } catch (err) {
    throw new CliError(`cannot reach the running spoor up on port ${port}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(firstLine(text));
  return text;
}

function firstLine(message: string): string {
  return message.trim().split('\n')[0] ?? message;
}
