// The worker's side of the queue: a BullMQ Worker with the listeners and limits Spoor relies on.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchJobData } from './jobs.js';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX } from './names.js';

export type BatchJob = Job<BatchJobData>;

/**
 * Jobs one worker holds at once. The processor gathers the rows of concurrent jobs into one insert,
 * so this is more than one insert's worth: the next group is fetched while the current one is
 * inserted, and enough for inserts of the worker's batch size from small batches.
 * `spoor worker --concurrency` / SPOOR_WORKER_CONCURRENCY override it.
 */
export const DEFAULT_WORKER_CONCURRENCY = 1000;
/** Lock on a held job, in ms; a job whose lock lapses is handed to another worker. */
export const DEFAULT_LOCK_MS = 30_000;

export interface BatchWorkerOptions {
  /** A worker connection from `createRedisConnection({ role: 'worker' })`. */
  connection: Redis;
  /** @defaultValue `batches` */
  name?: string;
  /** Jobs held at once; bounds the size of an insert (in jobs) as much as the parallelism. @defaultValue {@link DEFAULT_WORKER_CONCURRENCY} */
  concurrency?: number;
  /** Lock on a job while it is processed. @defaultValue {@link DEFAULT_LOCK_MS} */
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

export function createBatchWorker(processor: (job: BatchJob) => Promise<void>, opts: BatchWorkerOptions): Worker<BatchJobData> {
  const worker = new Worker<BatchJobData>(opts.name ?? DEFAULT_QUEUE_NAME, processor, {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency ?? DEFAULT_WORKER_CONCURRENCY,
    lockDuration: opts.lockDuration ?? DEFAULT_LOCK_MS,
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
