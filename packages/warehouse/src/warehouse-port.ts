// The warehouse across threads. The embedded engine is one per process, so one thread owns the
// connection and another makes its calls over a MessagePort. Rows are serialised on the calling
// thread and cross as bytes without a copy: the owner's event loop only hands them to the engine.
import type { MessagePort } from 'node:worker_threads';
import type { Warehouse } from './client.js';
import { jsonLines } from './json-lines.js';
import type { Settings } from './sql.js';

/** The calls a warehouse answers that another thread can make over a port. */
export type WarehouseCalls = Pick<Warehouse, 'database' | 'query' | 'command' | 'insert'>;

type Call =
  | { op: 'query' | 'command'; sql: string; params?: Record<string, unknown> | undefined }
  | { op: 'insert'; table: string; body: Uint8Array; settings: Settings };

/** An error as it crosses: a thrown ClickHouse error's `type` and `code` are what callers classify by. */
interface ErrorShape {
  name: string;
  message: string;
  type?: unknown;
  code?: unknown;
}

type Reply = { id: number; rows?: unknown[] | undefined; error?: ErrorShape };

export interface ServeOptions {
  /** Added to every insert's settings (the caller's win): what the serving side decides for them. */
  insertSettings?: Settings;
}

/** Answers the calls of `warehouseOverPort` on the other end of `port` with `wh`. */
export function serveWarehouse(port: MessagePort, wh: Warehouse, opts: ServeOptions = {}): void {
  const run = async (call: Call): Promise<unknown[] | undefined> => {
    if (call.op === 'insert') await wh.insertLines(call.table, call.body, { ...opts.insertSettings, ...call.settings });
    else if (call.op === 'query') return wh.query(call.sql, call.params);
    else await wh.command(call.sql, call.params);
    return undefined;
  };
  port.on('message', (call: Call & { id: number }) => {
    run(call).then(
      (rows) => port.postMessage({ id: call.id, rows } satisfies Reply),
      (err: unknown) => port.postMessage({ id: call.id, error: shapeOf(err) } satisfies Reply),
    );
  });
}

/** The warehouse of the thread that serves `port`, for `database`. */
export function warehouseOverPort(port: MessagePort, database: string): WarehouseCalls {
  let last = 0;
  const waiting = new Map<number, { resolve: (rows: unknown[] | undefined) => void; reject: (err: Error) => void }>();
  port.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (reply.error) w.reject(Object.assign(new Error(reply.error.message), reply.error));
    else w.resolve(reply.rows);
  });
  port.on('close', () => {
    for (const w of waiting.values()) w.reject(new Error('the thread holding the warehouse is gone'));
    waiting.clear();
  });
  const call = (msg: Call, transfer: ArrayBuffer[] = []) =>
    new Promise<unknown[] | undefined>((resolve, reject) => {
      const id = ++last;
      waiting.set(id, { resolve, reject });
      port.postMessage({ ...msg, id }, transfer);
    });
  return {
    database,
    async query<T>(sql: string, params?: Record<string, unknown>) {
      return ((await call({ op: 'query', sql, params })) ?? []) as T[];
    },
    async command(sql: string, params?: Record<string, unknown>) {
      await call({ op: 'command', sql, params });
    },
    async insert(table: string, rows: readonly object[], settings: Settings = {}) {
      if (rows.length === 0) return;
      const body = new TextEncoder().encode(await jsonLines(rows));
      await call({ op: 'insert', table, body, settings }, [body.buffer as ArrayBuffer]);
    },
  };
}

function shapeOf(err: unknown): ErrorShape {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & { type?: unknown; code?: unknown };
  return { name: e.name, message: e.message, type: e.type, code: e.code };
}
