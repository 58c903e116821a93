// Validation entry points that turn zod failures into stable reason codes and field paths.
import type { z } from 'zod';
import { acceptEvent } from './accept-event.js';
import { LIMITS } from './limits.js';
import { batchEnvelopeSchema, eventSchema, wireSchemas, type ClipCounter } from './schema.js';
import type { BatchEnvelope, SpoorEvent } from './types.js';

/** Stable codes a sender (and `rejected_events.reason`) sees. */
export type RejectReason =
  | 'invalid_json'
  | 'depth_exceeded'
  | 'invalid_batch'
  | 'invalid_event'
  | 'event_too_large'
  | 'too_old'
  | 'origin_not_allowed'
  | 'insert_failed'
  /** A verified webhook whose payload is not an order or refund of its topic (no order id...). */
  | 'invalid_order'
  /** A line of an order-history import that could not be read. */
  | 'unreadable_line';

export interface Rejection {
  reason: RejectReason;
  /** Dotted path of the offending field, e.g. `events.3.order.revenue`. */
  path: string;
  message: string;
}

/** `clipped`: the value was repaired to fit the limits (texts cut, lists shortened; see `validateEvent`). */
export type Validated<T> = { ok: true; value: T; clipped?: true } | { ok: false; error: Rejection };

/** The clipping variant of the event schema, and the count of what it repaired in the last parse. */
const clips: ClipCounter = { n: 0 };
const clippingEventSchema = wireSchemas(clips).eventSchema;

function firstIssue(error: z.ZodError, prefix: (string | number)[], reason: RejectReason): Rejection {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].map(String).join('.');
  return { reason, path, message: issue?.message ?? 'invalid' };
}

export function validateEnvelope(body: unknown): Validated<BatchEnvelope> {
  const r = batchEnvelopeSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error, [], 'invalid_batch') };
}

/**
 * Validates one raw event; `index` is its position in the batch, used in the error path.
 * An event over a limit that can be repaired is repaired rather than refused, and comes back
 * `clipped`: texts longer than their limit are cut to it (never splitting a surrogate pair), lists
 * and `props` cut to their count, nested `props` values kept as JSON text, reserved `props` keys
 * dropped. Refused are what cannot be repaired: wrong types, ids over their limits (a cut id would
 * be another id), and an event still over `LIMITS.maxEventBytes` after clipping.
 * `withinSizeLimit`: the caller knows the event is small enough (its whole body is under
 * `LIMITS.maxEventBytes`), so it is not serialised to be measured.
 */
export function validateEvent(raw: unknown, index: number, opts: { withinSizeLimit?: boolean } = {}): Validated<SpoorEvent> {
  const large = !opts.withinSizeLimit && jsonSize(raw) > LIMITS.maxEventBytes;
  // Most events are valid as sent: the hand-written check takes them (exactly as the strict schema
  // would), the strict schema what it is unsure of, and the clipping schema whatever they refuse.
  if (!large) {
    const accepted = acceptEvent(raw);
    if (accepted) return { ok: true, value: accepted };
    const r = eventSchema.safeParse(raw);
    if (r.success) return { ok: true, value: r.data };
  }
  clips.n = 0;
  const r = clippingEventSchema.safeParse(raw);
  if (!r.success) return { ok: false, error: firstIssue(r.error, ['events', index], 'invalid_event') };
  const size = large ? jsonSize(r.data) : 0;
  if (size > LIMITS.maxEventBytes) {
    return {
      ok: false,
      error: {
        reason: 'event_too_large',
        path: `events.${index}`,
        message: `event is ${size} bytes after clipping, limit ${LIMITS.maxEventBytes}`,
      },
    };
  }
  return clips.n > 0 ? { ok: true, value: r.data, clipped: true } : { ok: true, value: r.data };
}

function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Depth of a parsed JSON value, computed without recursion so hostile nesting cannot overflow the
 * stack. Stops counting once past `limit`.
 */
export function jsonDepth(value: unknown, limit: number = LIMITS.maxJsonDepth): number {
  if (value === null || typeof value !== 'object') return 0;
  // Values and their depths on two stacks of numbers and references, so the walk allocates nothing
  // per object of the body (the collector measures every request's).
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let max = 0;
  while (values.length > 0) {
    const v = values.pop() as object;
    const d = depths.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(d + 1);
        }
      }
    } else {
      // A parsed JSON object has no inherited keys: `for…in` sees its own, without a list of them.
      for (const key in v) {
        const child: unknown = (v as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(d + 1);
        }
      }
    }
  }
  return max;
}
