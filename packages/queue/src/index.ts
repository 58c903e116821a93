// @spoor/queue: BullMQ factories and job types. Importing this module opens no connection.
export { createRedisConnection, type ConnectionRole, type RedisConnectionOptions } from './connection.js';
export { createBatchWorker, type BatchJob, DEFAULT_WORKER_CONCURRENCY, DEFAULT_LOCK_MS, type BatchWorkerOptions } from './consumer.js';
export { type QueueErrorCode, QueueError } from './errors.js';
export { batchJobId, type RequestContext, type EventSender, type AcceptedEvent, PERSON_FROM_ORDER, type RejectedRecord, type BatchJobData } from './jobs.js';
export { QUEUE_PREFIX, DEFAULT_QUEUE_NAME } from './names.js';
export { createBatchQueue, type BatchQueueOptions, BATCH_JOB_OPTIONS, type BatchQueue } from './producer.js';
export { replayFailed, type ReplayResult } from './replay.js';
export { checkRedisSafety, type RedisSafety } from './safety.js';
export { startRepeatingTask, type RepeatingTaskOptions, type RepeatingTask } from './schedule.js';
export { startScheduleBook, type ScheduleBookOptions, type ScheduledEntry, type ScheduleBook } from './schedule-book.js';
export {
  touchedChannel,
  publishTouched,
  subscribeTouched,
  type TouchedPeople,
  type TouchedSubscription,
  type SubscribeTouchedOptions,
} from './touched-feed.js';
