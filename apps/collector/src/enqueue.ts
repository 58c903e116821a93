// Adds a batch job durably, timing it; a queue that cannot take it becomes 503 + Retry-After, so the
// sender keeps the batch and retries.
import type { BatchJobData } from '@spoor/queue';
import { QueueError } from '@spoor/queue';
import type { CollectorDeps } from './app.js';
import { CollectorError } from './errors.js';

export async function enqueueBatch(deps: Pick<CollectorDeps, 'queue' | 'metrics'>, job: BatchJobData): Promise<void> {
  const started = performance.now();
  let outcome = 'error';
  try {
    await deps.queue.enqueue(job);
    outcome = 'ok';
  } catch (err) {
    if (err instanceof QueueError) {
      throw new CollectorError(503, 'queue_unavailable', 'queue unavailable, retry later', { retryAfter: 5 });
    }
    throw err;
  } finally {
    deps.metrics.queueAddSeconds.observe({ outcome }, (performance.now() - started) / 1000);
  }
}
