// Typed queue errors with stable codes, so callers map them to HTTP statuses without string matching.

export type QueueErrorCode = 'queue_unavailable' | 'queue_timeout';

export class QueueError extends Error {
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueueError';
  }
}
