// What the worker's thread and the process that started it say to each other (worker-thread.ts).
import type { MessagePort } from 'node:worker_threads';

export interface ThreadSettings {
  redisUrl: string;
  queueName: string;
  database: string;
  maxWaitMs: number | undefined;
  lockDuration: number | undefined;
  stalledInterval: number | undefined;
  /** The warehouse's calls, answered by the parent (`serveWarehouse`). */
  warehousePort: MessagePort;
}

/** Stop taking jobs, commit the ones held, close the connections, then say `closed`. */
export type ToThread = { type: 'close' };

export type FromThread =
  { type: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg: string | undefined } | { type: 'held'; jobs: number } | { type: 'closed' };
