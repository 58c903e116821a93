// @spoor/worker: batches from the queue to ClickHouse rows.
export * from './insert-buffer.js';
export * from './order-people.js';
export * from './metrics.js';
export * from './rows.js';
export * from './worker.js';
export * from './suppression.js';
export * from './errors.js';
