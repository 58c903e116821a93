// Validation entry points that turn zod failures into stable reason codes and field paths.
import type { z } from 'zod';
import { LIMITS } from './limits.js';
import { batchEnvelopeSchema, eventSchema } from './schema.js';
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

export type Validated<T> = { ok: true; value: T } | { ok: false; error: Rejection };

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
 * `withinSizeLimit`: the caller knows the event is small enough (its whole body is under
 * `LIMITS.maxEventBytes`), so it is not serialised again to be measured.
 */
export function validateEvent(raw: unknown, index: number, opts: { withinSizeLimit?: boolean } = {}): Validated<SpoorEvent> {
  const size = opts.withinSizeLimit ? 0 : jsonSize(raw);
  if (size > LIMITS.maxEventBytes) {
    return {
      ok: false,
      error: {
        reason: 'event_too_large',
        path: `events.${index}`,
        message: `event is ${size} bytes, limit ${LIMITS.maxEventBytes}`,
      },
    };
  }
  const r = eventSchema.safeParse(raw);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, error: firstIssue(r.error, ['events', index], 'invalid_event') };
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
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return max;
}
