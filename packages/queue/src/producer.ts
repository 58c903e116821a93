// The collector's side of the queue: add a batch durably or fail fast.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueError } from './errors.js';
import { batchJobId, type BatchJobData } from './jobs.js';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX } from './names.js';

export interface BatchQueueOptions {
  /** A producer connection from `createRedisConnection({ role: 'producer' })`. */
  connection: Redis;
  /** @defaultValue `batches` */
  name?: string;
  /**
   * How long an add may take before the caller is told the queue is unavailable. Each of its
   * commands is bounded by the connection's own command timeout too, so by default the add gets
   * just that (`createRedisConnection({ commandTimeoutMs })`).
   * @defaultValue the connection's command timeout, else 2000
   */
  addTimeoutMs?: number;
  /** Called for connection errors, which would otherwise crash the process. */
  onError?: (err: Error) => void;
}

/** Retry policy of every batch job (see docs/OPERATIONS.md, "Failures"). */
export const BATCH_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  // Completed jobs stay an hour so a resent batch_id is recognised as a duplicate job.
  removeOnComplete: { age: 3_600, count: 10_000 },
  // Failed jobs stay a week for `spoor replay`.
  removeOnFail: { age: 7 * 24 * 3_600 },
};

export interface BatchQueue {
  /**
   * Resolves once the batch is stored in Redis (durable there with AOF). A batch whose job id is
   * already kept (the same batch resent) resolves too, without a second job. The job id is
   * `batchJobId(data)` unless `opts.jobId` names another (for records that must not take a batch's id).
   */
  enqueue(data: BatchJobData, opts?: { jobId?: string }): Promise<{ jobId: string }>;
  /** True when Redis answers a PING. */
  isReady(): Promise<boolean>;
  readonly queue: Queue;
  close(): Promise<void>;
}

export function createBatchQueue(opts: BatchQueueOptions): BatchQueue {
  const onError = opts.onError ?? (() => {});
  const timeoutMs = opts.addTimeoutMs ?? opts.connection.options.commandTimeout ?? 2_000;
  const queue = new Queue<BatchJobData>(opts.name ?? DEFAULT_QUEUE_NAME, {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    defaultJobOptions: BATCH_JOB_OPTIONS,
  });
  queue.on('error', onError);
  opts.connection.on('error', onError);

  async function enqueue(data: BatchJobData, addOpts: { jobId?: string } = {}) {
    if (opts.connection.status !== 'ready') {
      throw new QueueError('queue_unavailable', `redis is ${opts.connection.status}`);
    }
    const jobId = addOpts.jobId ?? batchJobId(data);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueError('queue_timeout', `queue add took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([queue.add('batch', data, { jobId }), timeout]);
      return { jobId };
    } catch (err) {
      if (err instanceof QueueError) throw err;
      throw new QueueError('queue_unavailable', (err as Error).message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async function isReady() {
    try {
      return (await opts.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  return {
    enqueue,
    isReady,
    queue,
    async close() {
      await queue.close();
    },
  };
}
