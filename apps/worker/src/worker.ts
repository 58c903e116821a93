// The worker process's core: a BullMQ worker whose jobs are committed through the insert buffer.
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBatchWorker, type BatchJob } from '@spoor/queue';
import type { Warehouse } from '@spoor/warehouse';
import { InsertBuffer, type FlushStats } from './insert-buffer.js';

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SpoorWorkerOptions {
  /** A worker-role connection (`createRedisConnection({ role: 'worker' })`). */
  connection: Redis;
  warehouse: Warehouse;
  queueName?: string;
  /** Jobs held at once, i.e. the most jobs gathered into one insert. @defaultValue 200 */
  concurrency?: number;
  /** Event rows that trigger an insert. @defaultValue 10000 */
  maxRows?: number;
  /** Longest wait before an insert. @defaultValue 200 */
  maxWaitMs?: number;
  /**
   * How long a job stays locked to this worker; a worker that died (SIGKILL, lost host) has its
   * jobs handed to another one after about this long, as the stalled check also runs this often.
   * @defaultValue 30000
   */
  lockDurationMs?: number;
  logger?: WorkerLogger;
  onFlush?: (stats: FlushStats) => void;
  /** A job failed (it is retried with backoff until its attempts run out). */
  onFailed?: (err: Error) => void;
}

export interface SpoorWorker {
  /** Stops taking jobs, finishes and commits the ones held, then returns. */
  close(): Promise<void>;
}

export function createWorker(opts: SpoorWorkerOptions): SpoorWorker {
  const log = opts.logger;
  const buffer = new InsertBuffer(opts.warehouse, {
    maxRows: opts.maxRows,
    maxWaitMs: opts.maxWaitMs,
    onFlush: opts.onFlush,
  });
  const processor = async (job: BatchJob) => {
    if (job.data?.v !== 1) {
      // A job this worker cannot read will not become readable by retrying.
      throw new UnrecoverableError(`unsupported job format ${String(job.data?.v)}`);
    }
    await buffer.add(job.id ?? job.name, job.data);
  };
  const worker = createBatchWorker(processor, {
    connection: opts.connection,
    name: opts.queueName,
    concurrency: opts.concurrency ?? 200,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.lockDurationMs,
    onError: (err) => log?.error({ err: err.message }, 'queue connection error'),
    onFailed: (job, err) => {
      opts.onFailed?.(err);
      log?.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'batch insert failed');
    },
  });
  return {
    async close() {
      await worker.close();
      await buffer.drain();
    },
  };
}
