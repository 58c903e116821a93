// Turns a parsed batch into the queue job: per-event validation, clock correction, refusals kept.
import { correctClock } from '@spoor/enrich';
import { LIMITS, validateEvent, type BatchEnvelope, type RejectReason } from '@spoor/events';
import type { AcceptedEvent, BatchJobData, RejectedRecord, RequestContext } from '@spoor/queue';

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
   * Oldest event accepted, in ms before the receive time. A shop's backend reports orders of any
   * age (`Infinity`). @defaultValue `CLOCK.maxAgeMs` (30 days, live traffic)
   */
  maxAgeMs?: number;
}

export function buildBatchJob(
  envelope: BatchEnvelope,
  receivedAt: number,
  ctx: RequestContext,
  opts: BuildOptions = {},
): IngestResult {
  const extraFlags = opts.flags ?? [];
  const withinSizeLimit = opts.bodyBytes !== undefined && opts.bodyBytes <= LIMITS.maxEventBytes;
  const sentAt = envelope.sent_at ?? null;
  const events: AcceptedEvent[] = [];
  const rejected: RejectedRecord[] = [];
  const seen = new Set<string>();
  envelope.events.forEach((raw, index) => {
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
    const flags = extraFlags.length > 0 ? [...clock.flags, ...extraFlags] : clock.flags;
    // The validated event is a fresh object of zod's: completed in place rather than copied.
    events.push(Object.assign(v.value, { ts: clock.ts, client_ts: v.value.ts, flags }));
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
    path,
    message,
    raw: truncatedJson(raw),
    event_id: typeof id === 'string' ? id.slice(0, 64) : '',
  };
}

export function truncatedJson(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? '';
  } catch {
    s = '<unserialisable>';
  }
  return s.length > RAW_PAYLOAD_LIMIT ? s.slice(0, RAW_PAYLOAD_LIMIT) : s;
}
