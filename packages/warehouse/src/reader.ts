// Read-only connections for lookups on a request path (the collector's /v1/me and /v1/profiles):
// on the embedded engine a few chdb sessions of their own, opened with readonly=1, so a lookup
// never waits behind an insert on the process's main connection and can never write; against a
// server, the HTTP client as it is (its socket pool already runs requests side by side).
// Every read is bounded: chdb runs the queries of the whole process that bind parameters one at a
// time (its parameter state is not per connection), so a lookup can wait behind any other query
// of the process; a read given `timeoutMs` gives up (and, still waiting its turn, never starts),
// and the engine stops any read after `maxExecutionS`.
import type { Session } from 'chdb';
import type { Warehouse } from './client.js';
import { WarehouseError } from './errors.js';

export interface WarehouseReader {
  readonly database: string;
  /**
   * Runs a SELECT with `{name:Type}` parameters bound by ClickHouse and returns its rows. With
   * `timeoutMs`, a read not answered in time fails with WarehouseError `timeout`.
   */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>, opts?: QueryOptions): Promise<T[]>;
  close(): Promise<void>;
}

export interface QueryOptions {
  timeoutMs?: number;
}

export interface ReaderOptions {
  /** Embedded engine sessions; each runs one lookup at a time. @defaultValue 4 */
  connections?: number;
  /** The engine (or server) stops any read of this reader after this long. @defaultValue 60 */
  maxExecutionS?: number;
}

function timedOut(ms: number, cause?: unknown): WarehouseError {
  return new WarehouseError('timeout', `the read did not finish within ${Math.round(ms)} ms`, { cause });
}

interface PooledSession {
  session: Session;
  busy: number;
}

export async function openReader(wh: Warehouse, opts: ReaderOptions = {}): Promise<WarehouseReader> {
  const path = wh.enginePath;
  const maxExecutionS = Math.max(1, Math.ceil(opts.maxExecutionS ?? 60));
  if (!path) return serverReader(wh, maxExecutionS);
  const { Session } = await import('chdb');
  // Settings first (64-bit integers as JSON numbers, as Warehouse.query reads them), readonly last:
  // the engine then refuses any write and any later change of settings on these sessions.
  const args = ['--output_format_json_quote_64bit_integers=0', `--max_execution_time=${maxExecutionS}`, '--readonly=1'];
  const pool: PooledSession[] = Array.from({ length: Math.max(1, opts.connections ?? 4) }, () => ({
    session: new Session(path, { connectionArgs: args }),
    busy: 0,
  }));
  let closed = false;
  return {
    database: wh.database,
    async query<T>(sql: string, params?: Record<string, unknown>, q: QueryOptions = {}): Promise<T[]> {
      if (closed) throw new Error('the warehouse reader is closed');
      if (q.timeoutMs !== undefined && q.timeoutMs <= 0) throw timedOut(0);
      const held = pool.reduce((a, b) => (b.busy < a.busy ? b : a));
      held.busy++;
      try {
        const how = { format: 'JSONEachRow', ...(q.timeoutMs !== undefined ? { timeout: Math.ceil(q.timeoutMs) } : {}) };
        const result =
          params && Object.keys(params).length > 0 ? await held.session.queryBindAsync(sql, params, how) : await held.session.queryAsync(sql, how);
        const text = result.text();
        return text ? text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T) : [];
      } catch (err) {
        throw (err as { code?: unknown }).code === 'CHDB_TIMEOUT' ? timedOut(q.timeoutMs ?? 0, err) : err;
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

/** Against a server: its HTTP client, each read cancelled when its time is up. */
function serverReader(wh: Warehouse, maxExecutionS: number): WarehouseReader {
  return {
    database: wh.database,
    async query<T>(sql: string, params?: Record<string, unknown>, q: QueryOptions = {}): Promise<T[]> {
      if (q.timeoutMs !== undefined && q.timeoutMs <= 0) throw timedOut(0);
      const seconds = q.timeoutMs !== undefined ? Math.min(maxExecutionS, Math.ceil(q.timeoutMs / 1000)) : maxExecutionS;
      try {
        const rs = await wh.client.query({
          query: sql,
          format: 'JSONEachRow',
          query_params: params,
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_execution_time: seconds },
          ...(q.timeoutMs !== undefined ? { abort_signal: AbortSignal.timeout(Math.ceil(q.timeoutMs)) } : {}),
        });
        return (await rs.json()) as T[];
      } catch (err) {
        if (q.timeoutMs !== undefined && (err as Error).name === 'AbortError') throw timedOut(q.timeoutMs, err);
        throw err;
      }
    },
    close: async () => {},
  };
}
