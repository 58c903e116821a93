// @spoor/worker: batches from the queue to ClickHouse rows.
export { DEFAULT_INSERT_ROWS, DEFAULT_FLUSH_MS } from './defaults.js';
export { type InsertBufferOptions, type FlushStats, InsertBuffer } from './insert-buffer.js';
export { ORDER_NOT_FOUND, OrderPeople } from './order-people.js';
export { type QueueCounts, WorkerMetrics } from './metrics.js';
export { type EventRow, eventRows, type RejectedRow, rejectedRows } from './rows.js';
export { type WorkerLogger, type SpoorWorkerOptions, type SpoorWorker, createWorker } from './worker.js';
export { type WorkerThreadOptions, type WorkerThread, startWorkerThread } from './worker-thread.js';
export { type SuppressionOptions, Suppression } from './suppression.js';
export { isDataError } from './errors.js';
export { type Touched, touchedBy } from './touched.js';
