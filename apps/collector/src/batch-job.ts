// A request's batch as the queue job every ingestion route builds and adds: each event validated
// and clock-corrected or refused with its reason (buildBatchJob), a whole-request refusal as a job
// of its own (recordRefusal), and the durable add that answers 503 when the queue cannot take it
// (enqueueBatch).
import { randomUUID } from 'node:crypto';
import { correctClock } from '@spoor/enrich';
import { batchIdSchema, cutText, LIMITS, repairLoneSurrogates, validateEvent, wellFormedText, type BatchEnvelope, type RejectReason } from '@spoor/events';
import { QueueError, type AcceptedEvent, type BatchJobData, type BatchQueue, type RejectedRecord, type RequestContext } from '@spoor/queue';
import { queueUnavailable } from './errors.js';
import type { CollectorLogger } from './logger.js';

/** Raw payloads kept in `rejected_events` are cut to this many characters. */
export const RAW_PAYLOAD_LIMIT = 8 * 1024;

export interface IngestResult {
  job: BatchJobData;
  accepted: number;
  errors: Array<{ index: number; reason: RejectReason; path: string; message: string }>;
}

export interface BuildOptions {
  /** Flags for every accepted event, e.g. `pixel` for the no-JS pixel. */
  flags?: string[];
  /** Size of the request body: when it is under the per-event limit no event needs measuring. */
  bodyBytes?: number;
  /**
   * The body's JSON text had a surrogate escape (`mayHoldLoneSurrogates`): each event's strings are
   * repaired before validation, and a repaired event is flagged `text_repaired`.
   */
  repairText?: boolean;
  /**
   * Oldest event accepted, in ms before the receive time. A shop's backend reports orders of any
   * age (`Infinity`). @defaultValue `CLOCK.maxAgeMs` (30 days, live traffic)
   */
  maxAgeMs?: number;
}

export function buildBatchJob(envelope: BatchEnvelope, receivedAt: number, ctx: RequestContext, opts: BuildOptions = {}): IngestResult {
  const extraFlags = opts.flags ?? [];
  const withinSizeLimit = opts.bodyBytes !== undefined && opts.bodyBytes <= LIMITS.maxEventBytes;
  const sentAt = envelope.sent_at ?? null;
  const events: AcceptedEvent[] = [];
  const rejected: RejectedRecord[] = [];
  const seen = new Set<string>();
  envelope.events.forEach((raw, index) => {
    // Repaired before anything else reads it: a lone surrogate has no UTF-8 form, so ClickHouse
    // would refuse the row after the sender was told it was accepted.
    const repaired = opts.repairText === true && repairLoneSurrogates(raw) > 0;
    const v = validateEvent(raw, index, { withinSizeLimit });
    if (!v.ok) {
      rejected.push(refusal(raw, index, v.error.reason, v.error.path, v.error.message));
      return;
    }
    const clock = correctClock(v.value.ts, sentAt, receivedAt, opts.maxAgeMs);
    if (!clock.ok) {
      rejected.push(refusal(raw, index, clock.reason, `events.${index}.ts`, clock.message));
      return;
    }
    // The same event twice in one batch is one event.
    if (seen.has(v.value.event_id)) return;
    seen.add(v.value.event_id);
    let flags = extraFlags.length > 0 ? [...clock.flags, ...extraFlags] : clock.flags;
    if (repaired) flags = [...flags, 'text_repaired'];
    // Cut to the wire limits rather than refused (validateEvent): the event says so.
    if (v.clipped) flags = [...flags, 'clipped'];
    // The validated event is a fresh object of zod's: completed in place rather than copied.
    events.push(Object.assign(v.value, { ts: clock.ts, client_ts: v.value.ts, flags, batch_index: index }));
  });
  return {
    job: {
      v: 1,
      site: envelope.site,
      batch_id: envelope.batch_id,
      received_at: receivedAt,
      sent_at: sentAt,
      ctx,
      events,
      rejected,
    },
    accepted: envelope.events.length - rejected.length,
    errors: rejected.map(({ index, reason, path, message }) => ({ index, reason, path, message })),
  };
}

export function refusal(raw: unknown, index: number, reason: RejectReason, path: string, message: string): RejectedRecord {
  const id = (raw as { event_id?: unknown } | null)?.event_id;
  return {
    index,
    reason,
    path: wellFormedText(path),
    message: wellFormedText(message),
    raw: truncatedJson(raw),
    event_id: typeof id === 'string' ? wellFormedText(cutText(id, 64)) : '',
  };
}

/** The value as JSON text, cut to the stored size without splitting a surrogate pair. */
export function truncatedJson(value: unknown): string {
  let s: string;
  try {
    // JSON.stringify writes a lone surrogate as an escape; the repair covers keys of hostile shapes.
    s = wellFormedText(JSON.stringify(value) ?? '');
  } catch {
    s = '<unserialisable>';
  }
  return cutText(s, RAW_PAYLOAD_LIMIT);
}

/** A queue and the timer of its adds (a CollectorMetrics histogram, or the batch thread's stand-in). */
export interface QueueAddDeps {
  queue: Pick<BatchQueue, 'enqueue'>;
  metrics: { queueAddSeconds: { observe(labels: { outcome: string }, seconds: number): void } };
}

/**
 * Adds a batch job durably, timing it; a queue that cannot take it becomes 503 + Retry-After, so
 * the sender keeps the batch and retries.
 */
export async function enqueueBatch(deps: QueueAddDeps, job: BatchJobData): Promise<void> {
  const started = performance.now();
  let outcome = 'error';
  try {
    await deps.queue.enqueue(job);
    outcome = 'ok';
  } catch (err) {
    if (err instanceof QueueError) {
      throw queueUnavailable();
    }
    throw err;
  } finally {
    deps.metrics.queueAddSeconds.observe({ outcome }, (performance.now() - started) / 1000);
  }
}

/**
 * A whole-request refusal for a registered site (a malformed envelope, a foreign origin). It goes
 * to `rejected_events` too, through the queue like any batch, so a site owner can see why a sender
 * got nothing through. Unknown sites and unparseable bodies are not stored: anyone can send those.
 */
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
