// Runs analyst SQL and returns the engine's own rendering of the result (tables, CSV, JSON).
import type { Warehouse } from './client.js';
import { WarehouseError } from './errors.js';

/** `spoor sql --format` names mapped to ClickHouse output formats. */
export const SQL_FORMATS = {
  table: 'PrettyCompactMonoBlock',
  csv: 'CSVWithNames',
  json: 'JSON',
  ndjson: 'JSONEachRow',
  tsv: 'TabSeparatedWithNames',
} as const;
export type SqlFormat = keyof typeof SQL_FORMATS;

/** `params` are `{name:Type}` values as text (`spoor sql --param name=value`); ClickHouse parses them by their type. */
export async function runSqlText(wh: Warehouse, sql: string, format: SqlFormat, params?: Record<string, string>): Promise<string> {
  return wh.queryText(sql, SQL_FORMATS[format], params);
}

/** `name=value` flags as parameters; the name is a ClickHouse identifier. */
export function parseSqlParams(flags: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const flag of flags) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(flag);
    if (!m) throw new WarehouseError('config', `--param is name=value, e.g. --param site=shop-1, not ${JSON.stringify(flag)}`);
    params[m[1]!] = m[2]!;
  }
  return params;
}
