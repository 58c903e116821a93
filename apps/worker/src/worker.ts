// The worker process's core: a BullMQ worker whose jobs are committed through the insert buffer.
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBatchWorker, type BatchJob } from '@spoor/queue';
import type { WarehouseCalls } from '@spoor/warehouse';
import { InsertBuffer, type FlushStats } from './insert-buffer.js';
import { OrderPeople } from './order-people.js';
import { Suppression } from './suppression.js';
import type { Touched } from './touched.js';

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SpoorWorkerOptions {
  /** A worker-role connection (`createRedisConnection({ role: 'worker' })`). */
  connection: Redis;
  /** Its calls only: in `spoor up` the worker runs in a thread and reaches the engine over a port. */
  warehouse: WarehouseCalls;
  queueName?: string;
  /** Jobs held at once. @defaultValue DEFAULT_WORKER_CONCURRENCY of @spoor/queue */
  concurrency?: number;
  /** Event rows that trigger an insert, and the most one insert takes. @defaultValue 50000 */
  maxRows?: number;
  /** Longest wait before an insert. @defaultValue 200 */
  maxWaitMs?: number;
  /** Lock on a held job; a job whose worker died is retried by another once it lapses. @defaultValue 30000 */
  lockDuration?: number;
  /** How often to look for jobs whose worker died. @defaultValue 30000 */
  stalledInterval?: number;
  /** Months one insert may touch before it is sliced. @defaultValue 50 */
  maxPartitionsPerInsert?: number;
  /** How stale the forgotten-people list may get, in ms. @defaultValue 5000 */
  suppressionMaxAgeMs?: number;
  logger?: WorkerLogger;
  onFlush?: (stats: FlushStats) => void | Promise<void>;
  /** Whose rows each insert committed (personalization's kept states are read again for them). */
  onTouched?: (touched: Touched[]) => void;
  /** A job failed (it is retried with backoff until its attempts run out). */
  onFailed?: (err: Error) => void;
}

export interface SpoorWorker {
  /**
   * Stops taking jobs, finishes and commits the ones held, then returns. `force`: stops at once,
   * without waiting for held jobs; they stay in the queue (their locks lapse) and run again later.
   */
  close(opts?: { force?: boolean }): Promise<void>;
  /** Jobs taken whose rows are not committed yet. */
  held(): number;
}

export function createWorker(opts: SpoorWorkerOptions): SpoorWorker {
  const log = opts.logger;
  const buffer = new InsertBuffer(opts.warehouse, {
    maxRows: opts.maxRows,
    maxWaitMs: opts.maxWaitMs,
    maxPartitionsPerInsert: opts.maxPartitionsPerInsert,
    onFlush: (stats) => {
      if (stats.poisoned > 0) log?.warn({ rows: stats.poisoned }, 'rows refused by ClickHouse moved to rejected_events');
      return opts.onFlush?.(stats);
    },
    onTouched: opts.onTouched,
  });
  const suppression = new Suppression(opts.warehouse, { maxAgeMs: opts.suppressionMaxAgeMs });
  const orderPeople = new OrderPeople(opts.warehouse);
  const processor = async (job: BatchJob) => {
    if (job.data?.v !== 1) {
      // A job this worker cannot read will not become readable by retrying.
      throw new UnrecoverableError(`unsupported job format ${String(job.data?.v)}`);
    }
    await suppression.fresh();
    // The person first: a refund that takes a forgotten customer's person is then dropped with them.
    const data = suppression.apply(await orderPeople.apply(job.data));
    await buffer.add(job.id ?? job.name, data, { rerun: (job.attemptsStarted ?? 1) > 1 });
  };
  const worker = createBatchWorker(processor, {
    connection: opts.connection,
    name: opts.queueName,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDuration,
    stalledInterval: opts.stalledInterval,
    onError: (err) => log?.error({ err: err.message }, 'queue connection error'),
    onFailed: (job, err) => {
      opts.onFailed?.(err);
      log?.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'batch insert failed');
    },
  });
  return {
    async close(closeOpts = {}) {
      if (closeOpts.force) {
        await worker.close(true);
        return;
      }
      await worker.close();
      await buffer.drain();
    },
    held: () => buffer.held,
  };
}
