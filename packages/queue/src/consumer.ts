// The worker's side of the queue: a BullMQ Worker with the listeners and limits Spoor relies on.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchJobData } from './jobs.js';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX } from './names.js';

export type BatchJob = Job<BatchJobData>;

export interface BatchWorkerOptions {
  /** A worker connection from `createRedisConnection({ role: 'worker' })`. */
  connection: Redis;
  /** @defaultValue `batches` */
  name?: string;
  /**
   * Jobs held at once. The processor gathers the rows of concurrent jobs into one insert, so this
   * bounds the size of an insert (in jobs) as much as the parallelism.
   * @defaultValue 100
   */
  concurrency?: number;
  /**
   * Lock on a job while it is processed; a job whose lock lapses is handed to another worker.
   * @defaultValue 30000
   */
  lockDuration?: number;
  /** @defaultValue 2 */
  maxStalledCount?: number;
  /** @defaultValue 30000 */
  stalledInterval?: number;
  /** Start pulling jobs at once. @defaultValue true */
  autorun?: boolean;
  onError?: (err: Error) => void;
  onFailed?: (job: BatchJob | undefined, err: Error) => void;
}

export function createBatchWorker(
  processor: (job: BatchJob) => Promise<void>,
  opts: BatchWorkerOptions,
): Worker<BatchJobData> {
  const worker = new Worker<BatchJobData>(opts.name ?? DEFAULT_QUEUE_NAME, processor, {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency ?? 100,
    lockDuration: opts.lockDuration ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
    stalledInterval: opts.stalledInterval ?? 30_000,
    autorun: opts.autorun ?? true,
  });
  const onError = opts.onError ?? (() => {});
  // Without an `error` listener an ECONNRESET would be an uncaught exception.
  worker.on('error', onError);
  opts.connection.on('error', onError);
  if (opts.onFailed) worker.on('failed', opts.onFailed);
  return worker;
}
