// Queue jobs as the collector writes them, for tests that drive the worker's insert path directly.
// Apart from events.ts: the packages below @spoor/queue (events) use those builders in their own tests.
import { randomUUID } from 'node:crypto';
import type { AcceptedEvent, BatchJobData } from '@spoor/queue';

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
