// Runs analyst SQL and returns the engine's own rendering of the result (tables, CSV, JSON).
import type { Warehouse } from './client.js';

/** `spoor sql --format` names mapped to ClickHouse output formats. */
export const SQL_FORMATS = {
  table: 'PrettyCompactMonoBlock',
  csv: 'CSVWithNames',
  json: 'JSON',
  ndjson: 'JSONEachRow',
  tsv: 'TabSeparatedWithNames',
} as const;
export type SqlFormat = keyof typeof SQL_FORMATS;

export async function runSqlText(wh: Warehouse, sql: string, format: SqlFormat): Promise<string> {
  return wh.queryText(sql, SQL_FORMATS[format]);
}
