// What the batch stages' thread and the process that started it say to each other (batch-thread.ts).
import type { CollectorErrorCode } from './errors.js';
import type { OpenedBatch, QueuedBatch, QueueRequest } from './batch-stages.js';

export interface BatchThreadSettings {
  redisUrl: string;
  queueName: string;
}

export type ToBatchThread =
  | { type: 'open'; id: number; bytes: Uint8Array }
  | { type: 'queue'; id: number; ticket: number; request: QueueRequest }
  | { type: 'drop'; ticket: number }
  /** Close the queue's connection, then say `closed`. */
  | { type: 'close' };

/** A refusal as the route answers it (a CollectorError's fields), or an unexpected failure. */
export type ThreadFailure =
  | { kind: 'refusal'; status: number; code: CollectorErrorCode; message: string; extra: { retryAfter?: number; body?: Record<string, unknown> } }
  | { kind: 'error'; message: string };

/** How long the queue add took, for the parent's `queueAddSeconds`. */
export interface QueueAddTiming {
  outcome: string;
  seconds: number;
}

export type FromBatchThread =
  | { type: 'opened'; id: number; head: OpenedBatch }
  | { type: 'queued'; id: number; result: QueuedBatch; timing: QueueAddTiming | undefined }
  | { type: 'failed'; id: number; failure: ThreadFailure; timing: QueueAddTiming | undefined }
  /** Its Redis connection is ready: batches can be queued. */
  | { type: 'ready' }
  | { type: 'log'; level: 'warn' | 'error'; obj: object; msg: string }
  | { type: 'closed' };
