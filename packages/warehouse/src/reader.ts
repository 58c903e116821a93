// Read-only connections for lookups on a request path (the collector's /v1/me and /v1/profiles):
// on the embedded engine a few chdb sessions of their own, opened with readonly=1, so a lookup
// never waits behind an insert on the process's main connection and can never write; against a
// server, the HTTP client as it is (its socket pool already runs requests side by side).
// chdb runs the queries of the whole process that bind parameters one at a time (its parameter
// state is not per connection), so a lookup bound per call would wait behind every bound query of
// the process (the worker's, the admin's): here each session runs one query at a time with its
// parameters set on the session (session-params.ts), and the sessions run side by side. Every
// read is bounded: one given `timeoutMs` gives up (and, still waiting for its session, never
// starts), and the engine stops any read after `maxExecutionS`.
import type { Session } from 'chdb';
import type { Warehouse } from './client.js';
import { WarehouseError } from './errors.js';
import { setParamsStatement } from './session-params.js';
import { withTimeLimit } from './time-limit.js';

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
  /** Queries on or waiting for this session: one runs at a time (its parameters are its state). */
  queued: number;
  tail: Promise<unknown>;
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
    queued: 0,
    tail: Promise.resolve(),
  }));
  let closed = false;

  /** Runs on the session once the queries before it there are done, unless its time ran out meanwhile. */
  async function run(held: PooledSession, sql: string, params: Record<string, unknown>, deadlineAt: number): Promise<string> {
    if (performance.now() >= deadlineAt) throw timedOut(0);
    const set = setParamsStatement(sql, params);
    if (set === undefined) {
      // A value without a text form here: bound per call, in chdb's one-at-a-time queue.
      return (await held.session.queryBindAsync(sql, params, { format: 'JSONEachRow' })).text();
    }
    if (set) await held.session.queryAsync(set, { format: 'TSV' });
    return (await held.session.queryAsync(sql, { format: 'JSONEachRow' })).text();
  }

  return {
    database: wh.database,
    async query<T>(sql: string, params: Record<string, unknown> = {}, q: QueryOptions = {}): Promise<T[]> {
      if (closed) throw new Error('the warehouse reader is closed');
      if (q.timeoutMs !== undefined && q.timeoutMs <= 0) throw timedOut(0);
      const deadlineAt = q.timeoutMs !== undefined ? performance.now() + q.timeoutMs : Infinity;
      const held = pool.reduce((a, b) => (b.queued < a.queued ? b : a));
      held.queued++;
      // The session is held until the engine is done with the query, even when its caller gave up.
      const result = held.tail.then(() => run(held, sql, params, deadlineAt));
      held.tail = result.catch(() => {}).finally(() => held.queued--);
      const ms = q.timeoutMs;
      const text = await (ms === undefined ? result : withTimeLimit(result, ms, () => timedOut(ms)));
      return text
        ? text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as T)
        : [];
    },
    async close() {
      closed = true;
      await Promise.all(pool.map((p) => p.tail));
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
