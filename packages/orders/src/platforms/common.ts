// Pieces every platform mapping uses: loose ids, dates with their offsets, attribute lists.
import { z } from 'zod';
import { OrdersError } from '../errors.js';
import type { OrderRecord, RefundRecord } from '../record.js';

/** Platforms send ids as JSON numbers (Shopify's 13-digit ids fit a double exactly) or strings. */
export const looseId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** The name under which a shop carries `spoor.visitorId()` into an order. */
export const VISITOR_ATTRIBUTE = 'spoor_visitor_id';

/**
 * Epoch ms of an ISO 8601 time. Without an offset the time is taken as UTC: WooCommerce's
 * `*_gmt` fields are written that way.
 */
export function isoTime(value: unknown, path: string): number {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(value)) {
    throw new OrdersError('invalid_order', `${JSON.stringify(value)} is not an ISO 8601 time`, path);
  }
  const withZone = /(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw new OrdersError('invalid_order', `${JSON.stringify(value)} is not a valid time`, path);
  return ms;
}

/** The value named `spoor_visitor_id` (or `_spoor_visitor_id`, a hidden WordPress meta) in a list of pairs. */
export function visitorFrom(pairs: Array<{ name: string; value: unknown }> | undefined): string | undefined {
  for (const { name, value } of pairs ?? []) {
    if ((name === VISITOR_ATTRIBUTE || name === `_${VISITOR_ATTRIBUTE}`) && typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** The first zod issue as an OrdersError, naming the field. */
export function invalid(error: z.ZodError, what: string): OrdersError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return new OrdersError('invalid_order', `${what}: ${path || 'payload'} ${issue?.message ?? 'is invalid'}`, path);
}

/** What a webhook payload yields. */
export type WebhookRecords = { kind: 'records'; orders: OrderRecord[]; refunds: RefundRecord[] } | { kind: 'ignored'; reason: string };
