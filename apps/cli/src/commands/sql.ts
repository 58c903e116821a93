// `spoor sql "SELECT ..."`: through a running `spoor up` (which holds the data directory), else by
// opening the data directory or the ClickHouse server itself.
import { runSqlText, type SqlFormat } from '@spoor/warehouse';
import type { Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';

export async function sql(config: Config, query: string, format: SqlFormat): Promise<string> {
  if (!query.trim()) throw new CliError('spoor sql needs a query, e.g. spoor sql "SELECT count() FROM spoor.events"');
  return withWarehouse(config, (wh) => runSqlText(wh, query, format));
}
