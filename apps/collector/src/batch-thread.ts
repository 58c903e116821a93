// The batch stages in a thread of their own, for a process whose event loop also answers lookups
// (`spoor up`): a batch's parsing, checks, job text and queue add there, the route's request checks
// and answer here. On `spoor up` ingesting at half its sustained rate with 300 lookups/s (six runs
// each, alternating, 2026-12-02), the lookups' p99 had a median of 55 ms with those steps on the
// event loop and 33 ms with them here; the loop's delay p99 went from 24 to 18 ms.
//
// A thread that dies is started again; what was asked of it meanwhile is answered 503
// `queue_unavailable` with Retry-After, as when Redis is away: the sender keeps the batch and
// resends it, so nothing acknowledged is lost and nothing unacknowledged is kept.
import { Worker } from 'node:worker_threads';
import type { QueueAddDeps } from './batch-job.js';
import type { BatchStages, OpenedBatch, QueuedBatch } from './batch-stages.js';
import type { BatchThreadSettings, FromBatchThread, QueueAddTiming, ThreadFailure, ToBatchThread } from './batch-thread-messages.js';
import { CollectorError, queueUnavailable, type CollectorErrorCode } from './errors.js';
import type { CollectorLogger } from './logger.js';

export interface BatchThreadOptions extends BatchThreadSettings {
  logger: CollectorLogger;
}

export interface BatchThread {
  /** The stages for a collector (`createCollector`'s `batchStages`), the thread's queue adds timed in its metrics. */
  stages(metrics: QueueAddDeps['metrics']): BatchStages;
  /** Resolves once the first thread can queue batches (its Redis connection is ready), false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;
  /** The thread running now (a new one after a crash). */
  runningThread(): Worker;
  close(): Promise<void>;
}

/** A thread that died is started again after this long. */
const RESTART_DELAY_MS = 500;

/** What is asked of a thread that is down: resent after a second, by when it is back. */
const unavailable = () => queueUnavailable(1);

/** An opened batch: its number in the thread that holds it. */
interface Ticket {
  thread: Worker;
  n: number;
}

interface Call {
  resolve(v: unknown): void;
  reject(err: Error): void;
}

export function startBatchThread(opts: BatchThreadOptions): BatchThread {
  const log = opts.logger;
  let closing = false;
  let nextId = 1;
  /** Where the thread's queue adds are timed: the metrics of the collector the stages serve. */
  let addTimes: QueueAddDeps['metrics'] | undefined;
  let markReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => (markReady = resolve));
  let current = start();

  function start() {
    const calls = new Map<number, Call>();
    const settings: BatchThreadSettings = { redisUrl: opts.redisUrl, queueName: opts.queueName };
    const thread = new Worker(new URL('./batch-thread-entry.js', import.meta.url), { workerData: settings, name: 'spoor-batches' });
    let up = true;
    const closed = new Promise<void>((resolve) => {
      thread.on('message', (m: FromBatchThread) => {
        if (m.type === 'log') return log[m.level](m.obj, m.msg);
        if (m.type === 'closed') return resolve();
        if (m.type === 'ready') return markReady();
        const call = calls.get(m.id);
        calls.delete(m.id);
        if (m.type !== 'opened') time(m.timing);
        if (!call) return;
        if (m.type === 'failed') call.reject(rebuilt(m.failure));
        else call.resolve(m.type === 'opened' ? m.head : m.result);
      });
      thread.once('exit', () => resolve());
    });
    thread.on('error', (err) => log.error({ err: err.message, stack: err.stack }, 'batch thread failed'));
    thread.once('exit', (code) => {
      up = false;
      for (const call of calls.values()) call.reject(unavailable());
      calls.clear();
      if (closing) return;
      log.error({ code }, `batch thread stopped; starting it again in ${RESTART_DELAY_MS} ms`);
      setTimeout(() => {
        if (!closing) current = start();
      }, RESTART_DELAY_MS).unref();
    });
    const ask = <T>(m: ToBatchThread & { id: number }, transfer: ArrayBuffer[] = []) =>
      new Promise<T>((resolve, reject) => {
        if (!up) return reject(unavailable());
        calls.set(m.id, { resolve: resolve as (v: unknown) => void, reject });
        thread.postMessage(m, transfer);
      });
    return { thread, closed, ask, isUp: () => up };
  }

  function time(t: QueueAddTiming | undefined) {
    if (t) addTimes?.queueAddSeconds.observe({ outcome: t.outcome }, t.seconds);
  }

  const stages: BatchStages = {
    async open(bytes) {
      // A copy the thread takes over: the body may be a view of a buffer the parent goes on using.
      const own = bytes.slice();
      const { thread, ask } = current;
      const head = await ask<OpenedBatch>({ type: 'open', id: nextId++, bytes: own }, [own.buffer]);
      // A thread's tickets mean nothing to the one started after it.
      return head.ok ? { ...head, ticket: { thread, n: head.ticket as number } satisfies Ticket } : head;
    },
    async queue(ticket, request) {
      const t = ticket as Ticket;
      if (t.thread !== current.thread) throw unavailable();
      return current.ask<QueuedBatch>({ type: 'queue', id: nextId++, ticket: t.n, request });
    },
    drop(ticket) {
      const t = ticket as Ticket;
      if (t.thread === current.thread && current.isUp()) t.thread.postMessage({ type: 'drop', ticket: t.n } satisfies ToBatchThread);
    },
  };

  return {
    stages(metrics) {
      addTimes = metrics;
      return stages;
    },
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      try {
        return await Promise.race([firstReady.then(() => true), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    runningThread: () => current.thread,
    async close() {
      closing = true;
      const { thread, closed } = current;
      thread.postMessage({ type: 'close' } satisfies ToBatchThread);
      await closed;
      await thread.terminate();
    },
  };
}

function rebuilt(f: ThreadFailure): Error {
  if (f.kind === 'error') return new Error(f.message);
  return new CollectorError(f.status as CollectorError['status'], f.code as CollectorErrorCode, f.message, f.extra);
}
