// Queue naming. The `{spoor}` hash tag keeps every key of a queue in one Redis Cluster slot,
// which BullMQ's multi-key Lua scripts need.

/** Key prefix for all Spoor queues. */
export const QUEUE_PREFIX = '{spoor}';

/** The default queue of event batches. Tests pass their own name to stay isolated. */
export const DEFAULT_QUEUE_NAME = 'batches';

/**
 * Jobs of a repeating schedule (webhook runs, model fits): a run that failed is retried by the
 * next interval, not by a backoff of its own; the last hundred of each kind are kept to look at.
 */
export const SCHEDULED_JOB_OPTIONS = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } as const;
