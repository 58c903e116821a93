// Many named schedules on one queue, each with its own interval and data (a segment's webhook
// deliveries, say): BullMQ job schedulers kept in Redis, so they outlive restarts, and each run is
// taken by one process however many share the queue. The task decides what a run does.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, SCHEDULED_JOB_OPTIONS } from './names.js';

export interface ScheduleBookOptions<T> {
  /** For the schedulers' queue (any role). */
  connection: Redis;
  /** For the worker's blocking reads: a worker-role connection of its own. */
  workerConnection: Redis;
  /** Queue name; every process running the schedules must use the same one. */
  name: string;
  /** One run of one schedule. A failure is reported and the schedule goes on. */
  run: (data: T, run: { id: string; startedAt: number }) => Promise<void>;
  /** @defaultValue 300000: a run (a whole webhook delivery) may take minutes. */
  lockDurationMs?: number;
  onError?: (err: Error) => void;
  onFailed?: (id: string, err: Error) => void;
}

export interface ScheduledEntry<T> {
  id: string;
  everyMs: number;
  data: T;
  /** Epoch ms of the next run, when known. */
  next: number | undefined;
}

export interface ScheduleBook<T> {
  /** Creates or replaces a schedule; its first run is right away. */
  upsert(id: string, everyMs: number, data: T): Promise<void>;
  list(): Promise<Array<ScheduledEntry<T>>>;
  /** False when there was no such schedule. */
  remove(id: string): Promise<boolean>;
  /** Stops taking runs and waits for the current one; the schedules stay in Redis. */
  close(): Promise<void>;
}

export function startScheduleBook<T>(opts: ScheduleBookOptions<T>): ScheduleBook<T> {
  const onError = opts.onError ?? (() => {});
  const queue = new Queue(opts.name, {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    defaultJobOptions: SCHEDULED_JOB_OPTIONS,
  });
  queue.on('error', onError);
  const worker = new Worker(
    opts.name,
    async (job: Job) => {
      await opts.run(job.data as T, { id: job.repeatJobKey ?? job.id ?? '', startedAt: Date.now() });
    },
    {
      connection: opts.workerConnection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: opts.lockDurationMs ?? 300_000,
      maxStalledCount: 0,
    },
  );
  worker.on('error', onError);
  if (opts.onFailed) worker.on('failed', (job, err) => opts.onFailed!(job?.repeatJobKey ?? job?.id ?? '', err));
  return {
    async upsert(id, everyMs, data) {
      await queue.upsertJobScheduler(id, { every: everyMs, immediately: true }, { name: 'run', data });
    },
    async list() {
      const all = await queue.getJobSchedulers(0, -1, true);
      return all.map((s) => ({ id: s.key, everyMs: Number(s.every ?? 0), data: s.template?.data as T, next: s.next }));
    },
    async remove(id) {
      return queue.removeJobScheduler(id);
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
