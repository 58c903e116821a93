// Read-only connections for lookups on a request path (the collector's /v1/me and /v1/profiles):
// on the embedded engine a few chdb sessions of their own, opened with readonly=1, so a lookup
// never waits behind an insert on the process's main connection and can never write; against a
// server, the HTTP client as it is (its socket pool already runs requests side by side).
import type { Session } from 'chdb';
import type { Warehouse } from './client.js';

export interface WarehouseReader {
  readonly database: string;
  /** Runs a SELECT with `{name:Type}` parameters bound by ClickHouse and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  close(): Promise<void>;
}

export interface ReaderOptions {
  /** Embedded engine sessions; each runs one lookup at a time. @defaultValue 4 */
  connections?: number;
}

interface PooledSession {
  session: Session;
  busy: number;
}

export async function openReader(wh: Warehouse, opts: ReaderOptions = {}): Promise<WarehouseReader> {
  const path = wh.enginePath;
  if (!path) {
    return { database: wh.database, query: (sql, params) => wh.query(sql, params), close: async () => {} };
  }
  const { Session } = await import('chdb');
  // Settings first (64-bit integers as JSON numbers, as Warehouse.query reads them), readonly last:
  // the engine then refuses any write and any later change of settings on these sessions.
  const args = ['--output_format_json_quote_64bit_integers=0', '--readonly=1'];
  const pool: PooledSession[] = Array.from({ length: Math.max(1, opts.connections ?? 4) }, () => ({
    session: new Session(path, { connectionArgs: args }),
    busy: 0,
  }));
  let closed = false;
  return {
    database: wh.database,
    async query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]> {
      if (closed) throw new Error('the warehouse reader is closed');
      const held = pool.reduce((a, b) => (b.busy < a.busy ? b : a));
      held.busy++;
      try {
        const result =
          params && Object.keys(params).length > 0
            ? await held.session.queryBindAsync(sql, params, { format: 'JSONEachRow' })
            : await held.session.queryAsync(sql, { format: 'JSONEachRow' });
        const text = result.text();
        return text ? text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T) : [];
      } finally {
        held.busy--;
      }
    },
    async close() {
      closed = true;
      for (const p of pool) p.session.close();
    },
  };
}
