// Turns a parsed batch into the queue job: per-event validation, clock correction, refusals kept.
import { correctClock } from '@spoor/enrich';
import { cutText, LIMITS, repairLoneSurrogates, validateEvent, wellFormedText, type BatchEnvelope, type RejectReason } from '@spoor/events';
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
