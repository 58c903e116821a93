// Stands in for the server-side sender (`POST /v1/server/batch`, `ts` may be old) until it lands:
// each event is validated against the wire format and queued as the collector queues a server's
// batch (no browser context, flagged late when older than 72 hours), then the real worker
// inserts it. Only the collector's 30-day age limit, which that route lifts, is skipped.
import { randomUUID } from 'node:crypto';
import { CLOCK, LIMITS, validateEvent, type SpoorEventInput } from '@spoor/events';
import type { AcceptedEvent, BatchQueue } from '@spoor/queue';

export async function sendAsServer(queue: BatchQueue, site: string, events: SpoorEventInput[]): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < events.length; i += LIMITS.maxEventsPerBatch) {
    const accepted: AcceptedEvent[] = events.slice(i, i + LIMITS.maxEventsPerBatch).map((raw, index) => {
      const v = validateEvent(raw, index);
      if (!v.ok) throw new Error(`event ${i + index} refused: ${v.error.path} ${v.error.message}`);
      return Object.assign(v.value, { client_ts: v.value.ts, flags: [...(now - v.value.ts > CLOCK.lateAfterMs ? ['late'] : []), ...(v.clipped ? ['clipped'] : [])] });
    });
    await queue.enqueue({
      v: 1,
      site,
      batch_id: randomUUID(),
      received_at: now,
      sent_at: now,
      ctx: { user_agent: 'spoor-test-server-sender', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false, server_side: true },
      events: accepted,
      rejected: [],
    });
  }
}
