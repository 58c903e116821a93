// Queue naming. The `{spoor}` hash tag keeps every key of a queue in one Redis Cluster slot,
// which BullMQ's multi-key Lua scripts need.

/** Key prefix for all Spoor queues. */
export const QUEUE_PREFIX = '{spoor}';

/** The default queue of event batches. Tests pass their own name to stay isolated. */
export const DEFAULT_QUEUE_NAME = 'batches';
