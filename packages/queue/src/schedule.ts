// A task repeated on an interval across any number of processes: a BullMQ job scheduler makes
// one job per interval, and whichever process is free takes it, so the task runs once however
// many processes share the queue (several `spoor worker`s, or one `spoor up`).
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, SCHEDULED_JOB_OPTIONS } from './names.js';

export interface RepeatingTaskOptions {
  /** For the scheduler's queue (any role). */
  connection: Redis;
  /** For the worker's blocking reads: a worker-role connection of its own. */
  workerConnection: Redis;
  /** Queue name; every process running the task must use the same one. */
  name: string;
  /** Interval between runs. Each process upserts the same scheduler, so the last to start sets it. */
  everyMs: number;
  /** The task; its job id and the run's start time (epoch ms) are passed for logs. */
  run: (job: { id: string; startedAt: number }) => Promise<void>;
  /**
   * How long a run may hold its job without renewing the lock; the lock is renewed while the task
   * runs, so this only matters when a process dies mid-run. @defaultValue 60000
   */
  lockDurationMs?: number;
  onError?: (err: Error) => void;
  onFailed?: (err: Error) => void;
}

export interface RepeatingTask {
  /** Stops taking runs, waits for the current one, leaves the scheduler for other processes. */
  close(): Promise<void>;
}

const SCHEDULER_ID = 'repeat';

/** Resolves once the scheduler is set (or after 2 s of trying; it keeps trying in the background). */
export async function startRepeatingTask(opts: RepeatingTaskOptions): Promise<RepeatingTask> {
  const onError = opts.onError ?? (() => {});
  const queue = new Queue(opts.name, {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    defaultJobOptions: SCHEDULED_JOB_OPTIONS,
  });
  queue.on('error', onError);
  // Redis may be down when the process starts: keep trying in the background, as the worker does.
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const schedule = async (attempt: number): Promise<void> => {
    try {
      await queue.upsertJobScheduler(SCHEDULER_ID, { every: opts.everyMs }, { name: opts.name });
    } catch (err) {
      onError(err as Error);
      if (!closed) retry = setTimeout(() => void schedule(attempt + 1), Math.min(30_000, 1_000 * 2 ** attempt));
    }
  };
  await Promise.race([schedule(0), new Promise((r) => setTimeout(r, 2_000).unref())]);
  const worker = new Worker(
    opts.name,
    async (job: Job) => {
      await opts.run({ id: job.id ?? '', startedAt: Date.now() });
    },
    {
      connection: opts.workerConnection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: opts.lockDurationMs ?? 60_000,
      // A run is not worth repeating because a process died holding it: the next interval comes.
      maxStalledCount: 0,
    },
  );
  worker.on('error', onError);
  if (opts.onFailed) worker.on('failed', (_job, err) => opts.onFailed!(err));
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await worker.close();
      await queue.close();
    },
  };
}
