// Reads a segment's rows page by page with bounded memory, two ways:
// - `paged` (the embedded engine, opened in this process): the rows are first
//   copied into a scratch table, then read in numbered ranges with short queries. The embedded
//   engine allows one open stream per session and any other query (the worker's inserts) kills
//   it, so no stream is held open; each page is a query of its own and the snapshot keeps the
//   export consistent however long the reader takes.
// - `stream` (a ClickHouse server, or `spoor up`'s HTTP interface, which streams too): one query,
//   read as it arrives, with backpressure.
import { randomBytes } from 'node:crypto';
import type { ReadMode, Warehouse } from '@spoor/warehouse';
import type { Statement } from '../queries.js';

export type { ReadMode };

export interface ReadOptions {
  mode: ReadMode;
  /** Rows per query in paged mode. @defaultValue 10000 */
  pageSize?: number;
  /** Called once the number of rows is known (paged mode only). */
  onTotal?: (total: number) => void;
}

export const DEFAULT_PAGE = 10_000;
/** Rows handed on at a time (a piece of the output). */
const BATCH = 1_000;
/** Scratch tables older than this are leftovers of a crashed export. */
const STALE_MS = 6 * 3_600_000;

/** The default for a connection: what the warehouse says its reads need. */
export function defaultReadMode(wh: Warehouse): ReadMode {
  return wh.reads;
}

export function readRows(wh: Warehouse, stmt: Statement, opts: ReadOptions): AsyncGenerator<unknown[][]> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE;
  return opts.mode === 'paged' ? pagedRows(wh, stmt, pageSize, opts.onTotal) : streamedRows(wh, stmt);
}

export function scratchDatabase(wh: Warehouse): string {
  return `${wh.database}_scratch`;
}

function pagedRows(wh: Warehouse, stmt: Statement, pageSize: number, onTotal?: (n: number) => void): AsyncGenerator<unknown[][]> {
  return scratchPages(wh, stmt, pageSize, onTotal, (sql, params) => streamedBatches(wh, sql, params));
}

/**
 * The statement copied into a scratch table numbered in its order, then read back page by page with
 * `page` (a query over `SELECT * EXCEPT n` of one range), the table dropped at the end however the
 * reader stops.
 */
export async function* scratchPages<T>(
  wh: Warehouse,
  stmt: Statement,
  pageSize: number,
  onTotal: ((n: number) => void) | undefined,
  page: (sql: string, params: { from: number; to: number }) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const db = scratchDatabase(wh);
  await wh.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await dropStaleScratch(wh);
  const table = `${db}.export_${Date.now()}_${randomBytes(4).toString('hex')}`;
  try {
    // Numbered in the statement's order, so pages are ranges of the primary key.
    await wh.command(`CREATE TABLE ${table} ENGINE = MergeTree ORDER BY n AS SELECT rowNumberInAllBlocks() AS n, * FROM (${stmt.sql})`, stmt.binds);
    const [count] = await wh.query<{ total: number | string }>(`SELECT count() AS total FROM ${table}`);
    const total = Number(count?.total ?? 0);
    onTotal?.(total);
    for (let from = 0; from < total; from += pageSize) {
      yield* page(`SELECT * EXCEPT n FROM ${table} WHERE n >= {from:UInt64} AND n < {to:UInt64} ORDER BY n`, { from, to: Math.min(total, from + pageSize) });
    }
  } finally {
    await wh.command(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

function streamedRows(wh: Warehouse, stmt: Statement): AsyncGenerator<unknown[][]> {
  return streamedBatches(wh, stmt.sql, stmt.binds);
}

/**
 * One query's rows in small batches, parsed as they arrive: no whole response is held as one
 * string, so the garbage of an export is many small objects that die young instead of large
 * ones that pile up until a full collection.
 */
async function* streamedBatches(wh: Warehouse, sql: string, params: Record<string, unknown>): AsyncGenerator<unknown[][]> {
  const rs = await wh.client.query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
  let batch: unknown[][] = [];
  try {
    for await (const rows of rs.stream<unknown[]>()) {
      for (const row of rows) {
        batch.push(row.json<unknown[]>());
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    rs.close();
  }
}

export async function compactRows(wh: Warehouse, sql: string, params: Record<string, unknown>): Promise<unknown[][]> {
  const rs = await wh.client.query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
  return rs.json<unknown[]>();
}

/** Drops scratch tables left behind by an export that died before its cleanup. */
export async function dropStaleScratch(wh: Warehouse, now = Date.now()): Promise<void> {
  const db = scratchDatabase(wh);
  const tables = await wh.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {db:String} AND match(name, '^export_[0-9]+_[0-9a-f]+$')", {
    db,
  });
  for (const { name } of tables) {
    const made = Number(name.split('_')[1]);
    if (now - made > STALE_MS) await wh.command(`DROP TABLE IF EXISTS ${db}.${name}`).catch(() => undefined);
  }
}
