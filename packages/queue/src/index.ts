// @spoor/queue: BullMQ factories and job types. Importing this module opens no connection.
export * from './connection.js';
export * from './consumer.js';
export * from './errors.js';
export * from './jobs.js';
export * from './names.js';
export * from './producer.js';
export * from './replay.js';
export * from './safety.js';
export * from './schedule.js';
export * from './schedule-book.js';
