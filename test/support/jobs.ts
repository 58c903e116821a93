// Queue jobs as the collector writes them, for tests that drive the worker's insert path directly,
// and waiting for a queue to be drained (every job's insert returned). Apart from events.ts: the
// packages below @spoor/queue (events) use those builders in their own tests.
import { randomUUID } from 'node:crypto';
import { createBatchQueue, createRedisConnection, type AcceptedEvent, type BatchJobData } from '@spoor/queue';
import { waitFor } from './wait.js';

/** A browser's user agent, as the collector records it. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** A queue job as the collector would write it for site `shop`: the accepted events and the refusals. */
export function makeJob(events: AcceptedEvent[], rejected: BatchJobData['rejected'] = []): BatchJobData {
  const now = Date.now();
  return {
    v: 1,
    site: 'shop',
    batch_id: randomUUID(),
    received_at: now,
    sent_at: now,
    ctx: { user_agent: BROWSER_UA, ip_hash: '', ip_prefix: '', gpc: false, prefetch: false },
    events,
    rejected,
  };
}

interface CountsJobs {
  getJobCounts(...states: Array<'waiting' | 'active' | 'delayed' | 'prioritized'>): Promise<Record<string, number>>;
}

/**
 * Waits until `queue` holds no job waiting, running or delayed. A job completes only once its insert
 * has returned, views included; that is what a test reading the profiles must wait for, since an
 * insert's rows show in `events` before its views have written theirs.
 */
export async function queueDrained(queue: CountsJobs, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0;
    },
    timeoutMs,
    'the queue to drain',
  );
}

/** {@link queueDrained} for the batch queue `name` of `spoor` processes on the Redis at `redisUrl`. */
export async function spoorQueueDrained(redisUrl: string, name: string, timeoutMs?: number): Promise<void> {
  const connection = createRedisConnection({ url: redisUrl, role: 'producer' });
  const queue = createBatchQueue({ connection, name });
  try {
    await queueDrained(queue.queue, timeoutMs);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
