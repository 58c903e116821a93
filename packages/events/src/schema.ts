// Zod schemas for one event of the wire format (SPEC "Wire format"). Unknown keys are dropped,
// so newer SDKs can add fields without older collectors refusing their events.
import { z } from 'zod';
import { FORBIDDEN_KEYS, LIMITS } from './limits.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable ASCII without spaces: safe in logs, URLs, CSV and Redis keys. */
const ASCII_ID = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Site ids appear in job ids, metric labels and file names, so they are kept plain. */
export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 of a-z, 0-9, "_" or "-", starting with a letter or digit');

/** Batch ids become part of the queue's job id, where ":" is not allowed. */
export const batchIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z, a-z, 0-9, "_" or "-"');

export const idSchema = z
  .string()
  .min(1)
  .max(LIMITS.maxIdLength)
  .regex(ASCII_ID, 'must be printable ASCII without spaces');

export const userIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.maxUserIdLength)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

export const eventIdSchema = z.string().regex(UUID, 'must be a UUID');

/**
 * Epoch milliseconds between 1990-01-01 and 2100-01-01. Live traffic older than 30 days is refused
 * by the collector's clock rule; the early bound leaves room for a shop's order history (the CDNOW
 * log starts in 1997) sent by a backend or imported.
 */
export const epochMsSchema = z.number().int().min(631_152_000_000).max(4_102_444_800_000);

const text = (max: number) => z.string().max(max);

/**
 * Money arrives as a JSON number or a decimal string and leaves as a canonical decimal string,
 * so it reaches ClickHouse's Decimal columns without passing through binary floating point again.
 */
export const moneySchema = z
  .union([
    z.number().finite().min(0).max(LIMITS.maxMoney),
    z.string().regex(/^\d{1,14}(\.\d{1,8})?$/, 'must be a non-negative decimal number'),
  ])
  .transform(toDecimalString);

export function toDecimalString(value: number | string): string {
  const fixed = typeof value === 'number' ? value.toFixed(4) : roundDecimalString(value);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Rounds a decimal string to 4 places without going through a float. */
function roundDecimalString(s: string): string {
  const [int = '0', frac = ''] = s.split('.');
  if (frac.length <= 4) return frac ? `${int}.${frac}` : int;
  const scaled = BigInt(int + frac.slice(0, 4)) + (Number(frac[4]) >= 5 ? 1n : 0n);
  const digits = scaled.toString().padStart(5, '0');
  return `${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code')
  .transform((s) => s.toUpperCase());

const quantitySchema = z.number().int().min(0).max(LIMITS.maxQuantity);

/** Product ids are often numeric in shop platforms; they are stored as strings. */
const productIdSchema = z
  .union([z.string().min(1).max(LIMITS.maxIdLength * 2), z.number().int().nonnegative()])
  .transform(String);

export const itemSchema = z.object({
  id: productIdSchema,
  name: text(LIMITS.maxValueLength).default(''),
  category: text(LIMITS.maxValueLength).optional(),
  brand: text(LIMITS.maxValueLength).optional(),
  variant: text(LIMITS.maxValueLength).optional(),
  price: moneySchema,
  quantity: quantitySchema.default(1),
  currency: currencySchema.optional(),
});

const itemsSchema = z.array(itemSchema).max(LIMITS.maxItems);

export const cartSchema = z.object({
  cart_id: idSchema,
  items: itemsSchema,
  value: moneySchema,
  currency: currencySchema.optional(),
});

export const orderSchema = z.object({
  order_id: idSchema,
  revenue: moneySchema,
  tax: moneySchema.optional(),
  shipping: moneySchema.optional(),
  discount: moneySchema.optional(),
  coupon: text(LIMITS.maxNameLength).optional(),
  currency: currencySchema,
  items: itemsSchema.default([]),
  /** The cart this order checked out (the SDK sends it), so a cart can be marked purchased. */
  cart_id: idSchema.optional(),
});

export const elementSchema = z.object({
  tag: z.string().max(32),
  text: text(LIMITS.maxElementText).default(''),
  id: text(LIMITS.maxValueLength).default(''),
  classes: z
    .union([text(LIMITS.maxValueLength), z.array(text(LIMITS.maxNameLength)).max(50)])
    .default('')
    .transform((c) => (Array.isArray(c) ? c.join(' ') : c)),
  href: text(LIMITS.maxUrlLength).default(''),
  selector: text(LIMITS.maxSelectorLength).default(''),
  /** Set by the SDK for links that leave the site or fetch a file. */
  kind: z.enum(['outbound', 'download']).optional(),
});

const propKey = z
  .string()
  .min(1)
  .max(LIMITS.maxKeyLength)
  .refine((k) => !FORBIDDEN_KEYS.has(k), 'reserved key');

const propValue = z.union([z.string().max(LIMITS.maxValueLength), z.number().finite(), z.boolean(), z.null()]);

/** Flat key → primitive maps: `props` on any event, `traits` on identify. */
export const propsSchema = z
  .record(propKey, propValue)
  .refine((p) => Object.keys(p).length <= LIMITS.maxProps, `at most ${LIMITS.maxProps} keys`);

/** Fields every event may carry. */
const baseEvent = {
  event_id: eventIdSchema,
  ts: epochMsSchema,
  visitor_id: idSchema,
  session_id: idSchema.optional(),
  user_id: userIdSchema.optional(),
  url: text(LIMITS.maxUrlLength).optional(),
  referrer: text(LIMITS.maxUrlLength).optional(),
  title: text(LIMITS.maxValueLength).optional(),
  props: propsSchema.optional(),
  screen: z.string().max(32).optional(),
  lang: z.string().max(35).optional(),
  tz: z.string().max(64).optional(),
  /** The SDK's returning-visitor flag: the visitor had a cookie before this session. */
  returning: z.boolean().optional(),
  /** No persistent id: GPC/DNT or consent denied; visitor_id lives for the page only. */
  cookieless: z.boolean().optional(),
};

const url = text(LIMITS.maxUrlLength);

export const pageviewSchema = z.object({ ...baseEvent, type: z.literal('pageview'), url });
export const pageLeaveSchema = z.object({
  ...baseEvent,
  type: z.literal('page_leave'),
  url,
  engaged_ms: z.number().int().min(0).max(LIMITS.maxEngagedMs).default(0),
  scroll_pct: z.number().min(0).max(100).transform(Math.round).default(0),
});
export const clickSchema = z.object({ ...baseEvent, type: z.literal('click'), element: elementSchema });
export const cartViewSchema = z.object({ ...baseEvent, type: z.literal('cart_view'), cart: cartSchema });
export const cartAddSchema = z.object({
  ...baseEvent,
  type: z.literal('cart_add'),
  item: itemSchema,
  cart: cartSchema.optional(),
});
export const cartRemoveSchema = z.object({
  ...baseEvent,
  type: z.literal('cart_remove'),
  item: itemSchema,
  cart: cartSchema.optional(),
});
export const checkoutSchema = z.object({ ...baseEvent, type: z.literal('checkout'), cart: cartSchema });
export const purchaseSchema = z.object({ ...baseEvent, type: z.literal('purchase'), order: orderSchema });
export const refundSchema = z.object({ ...baseEvent, type: z.literal('refund'), order: orderSchema });
export const identifySchema = z.object({
  ...baseEvent,
  type: z.literal('identify'),
  user_id: userIdSchema,
  traits: propsSchema.optional(),
});
export const customSchema = z.object({
  ...baseEvent,
  type: z.literal('custom'),
  name: z.string().min(1).max(LIMITS.maxNameLength),
  /** The product a custom event is about, e.g. the SDK's `view_item` from a GA4 dataLayer. */
  item: itemSchema.optional(),
});

export const eventSchema = z.discriminatedUnion('type', [
  pageviewSchema,
  pageLeaveSchema,
  clickSchema,
  cartViewSchema,
  cartAddSchema,
  cartRemoveSchema,
  checkoutSchema,
  purchaseSchema,
  refundSchema,
  identifySchema,
  customSchema,
]);

/** The batch envelope; events are validated one by one so one bad event never sinks the rest. */
export const batchEnvelopeSchema = z.object({
  site: siteIdSchema,
  batch_id: batchIdSchema,
  sent_at: epochMsSchema.optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.maxEventsPerBatch),
  /** `navigator.webdriver` of the sending page: an automated browser, classified as a bot. */
  webdriver: z.boolean().optional(),
});
