// One way to reach ClickHouse: a server over HTTP when a URL is given, else the embedded engine.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ChdbExtension } from 'chdb/connection';
import { WarehouseError } from './errors.js';
import { jsonLines } from './json-lines.js';
import { INGEST_NICE } from './settings.js';
import { settingsClause, type Settings } from './sql.js';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export interface WarehouseConfig {
  /** `CLICKHOUSE_URL`: a ClickHouse server. When absent the embedded engine is opened at `dataDir`. */
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** @defaultValue `spoor` */
  database?: string | undefined;
  /** Directory of the embedded engine's data (`SPOOR_DATA_DIR/clickhouse`). */
  dataDir?: string | undefined;
  /** Shown in the server's query log. */
  application?: string | undefined;
  /**
   * The embedded engine's memory bound for everything it does at once (its
   * `max_server_memory_usage`): past it a query or insert fails with MEMORY_LIMIT_EXCEEDED instead
   * of the kernel killing the process. Ignored for a server, which has its own.
   */
  maxEngineMemoryBytes?: number | undefined;
}

/** How a long read must be done on this backend. */
export type ReadMode = 'paged' | 'stream';

export interface Warehouse {
  readonly kind: 'embedded' | 'server';
  readonly database: string;
  readonly client: ClickHouseClient;
  /**
   * `stream` (a server): one query read as it arrives. `paged` (the embedded engine): one open
   * stream per connection, which any other query on it ends, so long reads go page by page.
   */
  readonly reads: ReadMode;
  /** The embedded engine's data directory, which other connections (the HTTP interface) open; absent for a server. */
  readonly enginePath: string | undefined;
  /**
   * Runs SQL and returns the engine's own rendering of the result in `format` (a ClickHouse format
   * name); `params` fill its `{name:Type}` placeholders (`spoor sql --param`), bound by ClickHouse.
   */
  queryText(sql: string, format: string, params?: Record<string, unknown>): Promise<string>;
  /** Runs a SELECT with `{name:Type}` parameters bound by ClickHouse and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** Runs a statement that returns no rows. */
  command(sql: string, params?: Record<string, unknown>): Promise<void>;
  /**
   * Inserts rows as JSONEachRow with settings inside the INSERT statement, so they apply to this
   * insert only (the embedded connection would otherwise turn them into session-wide SETs).
   */
  insert(table: string, rows: readonly object[], settings?: Settings): Promise<void>;
  /** Inserts rows already written as JSONEachRow text (another thread serialised them: `warehouse-port.ts`). */
  insertLines(table: string, body: string | Uint8Array, settings?: Settings): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Settings for reads: 64-bit integers as JSON numbers on both backends. */
const READ_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

export async function openWarehouse(config: WarehouseConfig): Promise<Warehouse> {
  const database = config.database ?? 'spoor';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new WarehouseError('config', `database name ${JSON.stringify(database)} is not a plain identifier`);
  }
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      application: config.application ?? 'spoor',
      request_timeout: 60_000,
    });
    return wrap('server', database, client, undefined);
  }
  if (!config.dataDir) throw new WarehouseError('config', 'either CLICKHOUSE_URL or a data directory is needed');
  const path = resolve(config.dataDir);
  mkdirSync(path, { recursive: true });
  // Loaded lazily: the engine is large and production processes that talk to a server never need it.
  const { createChdbConnection } = await import('chdb/connection');
  let connection;
  let engine: { close(): void } | undefined;
  try {
    // The first connection to a data directory starts the engine, with its server-wide settings.
    if (config.maxEngineMemoryBytes) engine = await startEngine(path, config.maxEngineMemoryBytes);
    connection = createChdbConnection({ path });
  } catch (err) {
    engine?.close();
    const detail = String((err as { cause?: Error }).cause?.message ?? (err as Error).message);
    throw new WarehouseError(
      /lock|already running/i.test(detail) ? 'data_dir_in_use' : 'open_failed',
      /lock|already running/i.test(detail)
        ? `the ClickHouse data directory ${path} is in use by another process`
        : `cannot open the ClickHouse data directory ${path}: ${detail}`,
      { cause: err },
    );
  }
  // chdb types the connection against @clickhouse/client-common, the client against its own bundled
  // copy of the same interface; they are identical at run time.
  const client = createClient({ connection: connection as unknown as ClientConnection });
  return wrap('embedded', database, client, connection.chdb, engine);
}

/** A connection holding the engine's server-wide settings for as long as the warehouse is open. */
async function startEngine(path: string, maxMemoryBytes: number): Promise<{ close(): void }> {
  const { Session } = await import('chdb');
  return new Session(path, {
    connectionArgs: [`--max_server_memory_usage=${Math.floor(maxMemoryBytes)}`, `--os_threads_nice_value_merge_mutate=${INGEST_NICE}`],
  });
}

function wrap(kind: Warehouse['kind'], database: string, client: ClickHouseClient, chdb: ChdbExtension | undefined, engine?: { close(): void }): Warehouse {
  async function insertLines(table: string, body: string | Uint8Array, settings: Settings = {}) {
    if (body.length === 0) return;
    if (chdb) {
      // The engine's own multithreaded parser, on a libuv thread, gets the bytes as they are; the
      // connection's SQL path would splice the rows into the query text, several times slower.
      const values = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      await chdb
        .rawInsert({ table: qualify(database, table), values, format: 'JSONEachRow', settings })
        .catch((err: unknown) => Promise.reject(withClickHouseType(err)));
      return;
    }
    const query = `INSERT INTO ${qualify(database, table)} ${settingsClause(settings)} FORMAT JSONEachRow`;
    const result = await client.exec({ query, values: Readable.from([body]) });
    // The response body must be consumed or the socket is never released.
    result.stream.resume();
    await new Promise<void>((res, rej) => {
      result.stream.once('end', res);
      result.stream.once('close', res);
      result.stream.once('error', rej);
    });
  }
  return {
    kind,
    database,
    client,
    reads: chdb ? 'paged' : 'stream',
    enginePath: chdb?.session.path,
    async queryText(sql: string, format: string, params?: Record<string, unknown>) {
      const bound = params !== undefined && Object.keys(params).length > 0;
      if (chdb && !bound) return (await chdb.queryAsync(sql, { format })).text();
      // Pretty formats are missing from the client's DataFormat type, but the server takes any name.
      const settings = { default_format: format } as unknown as ClickHouseSettings;
      const rs = await client.exec({ query: sql, clickhouse_settings: settings, ...(bound ? { query_params: params } : {}) });
      const chunks: Buffer[] = [];
      for await (const c of rs.stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    async query<T>(sql: string, params?: Record<string, unknown>) {
      const rs = await client.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: params,
        clickhouse_settings: READ_SETTINGS,
      });
      return (await rs.json()) as T[];
    },
    async command(sql: string, params?: Record<string, unknown>) {
      await client.command({ query: sql, query_params: params });
    },
    async insert(table: string, rows: readonly object[], settings: Settings = {}) {
      if (rows.length === 0) return;
      await insertLines(table, await jsonLines(rows), settings);
    },
    insertLines,
    async ping() {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
      engine?.close();
    },
  };
}

/**
 * chDB's raw-insert errors carry the ClickHouse code but not its name; callers (the worker's
 * poison-row isolation) classify by name, as with @clickhouse/client's errors.
 */
function withClickHouseType(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { type?: string; code?: unknown; clickhouseCode?: number };
  const name = /\(([A-Z][A-Z0-9_]+)\)\s*$/m.exec(e.message)?.[1];
  if (!e.type && name) e.type = name;
  if (e.clickhouseCode !== undefined) e.code = String(e.clickhouseCode);
  return e;
}

/** `table` or `db.table`; both parts must be plain identifiers, since they are spliced into SQL. */
export function qualify(database: string, table: string): string {
  const full = table.includes('.') ? table : `${database}.${table}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(full)) {
    throw new WarehouseError('config', `table name ${JSON.stringify(table)} is not a plain identifier`);
  }
  return full;
}
