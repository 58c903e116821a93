// The worker in a thread of its own, for a process that also answers HTTP (`spoor up`): the jobs'
// parsing, rows and serialisation then never hold up a lookup's answer. The thread reaches the
// warehouse through this side, which owns the process's one embedded connection.
import { MessageChannel, Worker } from 'node:worker_threads';
import { INGEST_NICE, serveWarehouse, type Settings, type Warehouse } from '@spoor/warehouse';
import type { FromThread, ThreadSettings, ToThread } from './thread-messages.js';
import type { SpoorWorker, WorkerLogger } from './worker.js';

export interface WorkerThreadOptions {
  warehouse: Warehouse;
  redisUrl: string;
  queueName: string;
  /** As `createWorker`'s. */
  maxWaitMs?: number;
  lockDuration?: number;
  stalledInterval?: number;
  logger: WorkerLogger;
}

/** A thread that died is started again after this long; its held jobs are retried once their locks lapse. */
const RESTART_DELAY_MS = 1_000;

export interface WorkerThread extends SpoorWorker {
  /** The thread running now (a new one after a crash); its `threadId` tells it apart. */
  runningThread(): Worker;
}

export function startWorkerThread(opts: WorkerThreadOptions): WorkerThread {
  const log = opts.logger;
  let held = 0;
  let closing = false;
  let current = start();

  function start() {
    const channel = new MessageChannel();
    // The embedded engine runs the thread's inserts (and their views) at the thread's nice, so
    // committing waits while the HTTP thread has work, never the other way round;
    // a server schedules its own threads.
    const insertSettings: Settings = opts.warehouse.enginePath ? { os_thread_priority: INGEST_NICE } : {};
    serveWarehouse(channel.port1, opts.warehouse, { insertSettings });
    const settings: ThreadSettings = {
      redisUrl: opts.redisUrl,
      queueName: opts.queueName,
      database: opts.warehouse.database,
      maxWaitMs: opts.maxWaitMs,
      lockDuration: opts.lockDuration,
      stalledInterval: opts.stalledInterval,
      warehousePort: channel.port2,
    };
    const thread = new Worker(new URL('./thread.js', import.meta.url), {
      workerData: settings,
      transferList: [channel.port2],
      name: 'spoor-worker',
    });
    const closed = new Promise<void>((resolve) => {
      thread.on('message', (m: FromThread) => {
        if (m.type === 'log') log[m.level](m.obj, m.msg);
        else if (m.type === 'held') held = m.jobs;
        else resolve();
      });
      thread.once('exit', () => resolve());
    });
    thread.on('error', (err) => log.error({ err: err.message, stack: err.stack }, 'worker thread failed'));
    thread.once('exit', (code) => {
      channel.port1.close();
      if (closing) return;
      log.error({ code }, `worker thread stopped; starting it again in ${RESTART_DELAY_MS} ms`);
      held = 0;
      setTimeout(() => {
        if (!closing) current = start();
      }, RESTART_DELAY_MS).unref();
    });
    return { thread, closed };
  }

  return {
    async close(closeOpts = {}) {
      closing = true;
      const { thread, closed } = current;
      // Forced: the thread is stopped where it stands (a stop that hangs); its held jobs stay in
      // the queue and run again once their locks lapse, as after a crash.
      if (!closeOpts.force) {
        thread.postMessage({ type: 'close' } satisfies ToThread);
        await closed;
      }
      await thread.terminate();
    },
    held: () => held,
    runningThread: () => current.thread,
  };
}
