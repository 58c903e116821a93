// Whole-request refusals for a registered site (a malformed envelope, a foreign origin) go to
// `rejected_events` too, through the queue like any batch, so a site owner can see why a sender
// got nothing through. Unknown sites and unparseable bodies are not stored: anyone can send those.
import { randomUUID } from 'node:crypto';
import { batchIdSchema, type RejectReason } from '@spoor/events';
import type { BatchJobData, BatchQueue } from '@spoor/queue';
import type { CollectorLogger } from './logger.js';
import { truncatedJson } from './ingest.js';

export interface RequestRefusal {
  site: string;
  /** The batch_id as sent, kept when it is a valid one. */
  batchId: unknown;
  reason: RejectReason;
  path: string;
  message: string;
  body: unknown;
  receivedAt: number;
}

/** Queues the refusal without waiting: the sender's answer never depends on recording it. */
export function recordRefusal(queue: Pick<BatchQueue, 'enqueue'>, r: RequestRefusal, logger: CollectorLogger): void {
  const batchId = batchIdSchema.safeParse(r.batchId).success ? (r.batchId as string) : '';
  const job: BatchJobData = {
    v: 1,
    site: r.site,
    batch_id: batchId,
    received_at: r.receivedAt,
    sent_at: null,
    ctx: { user_agent: '', ip_hash: '', ip_prefix: '', gpc: false, prefetch: false },
    events: [],
    rejected: [{ index: -1, reason: r.reason, path: r.path, message: r.message, raw: truncatedJson(r.body), event_id: '' }],
  };
  // A job id of its own: the batch_id must stay free for the sender's corrected resend.
  const jobId = `${r.site}.refused-${randomUUID()}`;
  queue.enqueue(job, { jobId }).catch((err: Error) => logger.warn({ site: r.site, err: err.message }, 'refusal not recorded'));
}
