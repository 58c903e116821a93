// `spoor sql "SELECT ..."`: through a running `spoor up` (which holds the data directory), else by
// opening the data directory or the ClickHouse server itself. `--param name=value` fills the query's
// `{name:Type}` placeholders (the parameterised questions in clickhouse/queries).
import { parseSqlParams, runSqlText, type SqlFormat } from '@spoor/warehouse';
import type { Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';

export async function sql(config: Config, query: string, format: SqlFormat, paramFlags: readonly string[] = []): Promise<string> {
  if (!query.trim()) throw new CliError('spoor sql needs a query, e.g. spoor sql "SELECT count() FROM spoor.events"');
  let params: Record<string, string>;
  try {
    params = parseSqlParams(paramFlags);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return withWarehouse(config, (wh) => runSqlText(wh, query, format, params));
}
