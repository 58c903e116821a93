// Runs analyst SQL and returns the engine's own rendering of the result (tables, CSV, JSON).
import type { ClickHouseSettings } from '@clickhouse/client';
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
  const chFormat = SQL_FORMATS[format];
  if (wh.chdb) return (await wh.chdb.queryAsync(sql, { format: chFormat })).text();
  // Pretty formats are missing from the client's DataFormat type, but the server takes any name.
  const settings = { default_format: chFormat } as unknown as ClickHouseSettings;
  const rs = await wh.client.exec({ query: sql, clickhouse_settings: settings });
  const chunks: Buffer[] = [];
  for await (const c of rs.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
