// Zod schemas for one event of the wire format (SPEC "Wire format"). Unknown keys are dropped,
// so newer SDKs can add fields without older collectors refusing their events. Each event schema
// comes in two variants from one definition (`wireSchemas`): strict, and clipping.
import { z } from 'zod';
import { FORBIDDEN_KEYS, LIMITS } from './limits.js';
import { ASCII_ID, CONTROL, CURRENCY, DECIMAL, UUID } from './patterns.js';
import { cutText } from './text.js';

/** Site ids appear in job ids, metric labels and file names, so they are kept plain. */
export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 of a-z, 0-9, "_" or "-", starting with a letter or digit');

/** Batch ids become part of the queue's job id, where ":" is not allowed. */
export const batchIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z, a-z, 0-9, "_" or "-"');

export const idSchema = z.string().min(1).max(LIMITS.maxIdLength).regex(ASCII_ID, 'must be printable ASCII without spaces');

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
export const EPOCH_MS = { min: 631_152_000_000, max: 4_102_444_800_000 } as const;
export const epochMsSchema = z.number().int().min(EPOCH_MS.min).max(EPOCH_MS.max);

/**
 * Money arrives as a JSON number or a decimal string and leaves as a canonical decimal string,
 * so it reaches ClickHouse's Decimal columns without passing through binary floating point again.
 */
export const moneySchema = z
  .union([z.number().finite().min(0).max(LIMITS.maxMoney), z.string().regex(DECIMAL, 'must be a non-negative decimal number')])
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
  .regex(CURRENCY, 'must be a 3-letter ISO 4217 code')
  .transform((s) => s.toUpperCase());

const quantitySchema = z.number().int().min(0).max(LIMITS.maxQuantity);

/** Product ids are often numeric in shop platforms; they are stored as strings. */
const productIdSchema = z
  .union([
    z
      .string()
      .min(1)
      .max(LIMITS.maxIdLength * 2),
    z.number().int().nonnegative(),
  ])
  .transform(String);

/** Counts the repairs a clipping schema made (see `wireSchemas`). */
export interface ClipCounter {
  n: number;
}

/**
 * The schemas of one event's fields. Without `clip` they refuse anything over a limit; with it (the
 * collector's second look at an event the first refused, `validateEvent`) they repair what can be
 * repaired, counting each repair in `clip.n`: a text longer than its limit is cut to it (never
 * splitting a surrogate pair), a list longer than its count is cut to its first entries, and
 * `props`/`traits` are made flat (below). Ids are never cut: a cut id would be another id. Both
 * variants have the same types; only the clipping one's text and list fields are preprocessed.
 */
export function wireSchemas(clip?: ClipCounter) {
  /** Text of at most `max` UTF-16 units (and at least `min`). */
  const text = (max: number, min = 0): z.ZodString => {
    const s = min ? z.string().min(min).max(max) : z.string().max(max);
    if (!clip) return s;
    // Lengths are checked before anything is copied: most texts need no cut.
    return z.preprocess((v) => (typeof v === 'string' && v.length > max ? (clip.n++, cutText(v, max)) : v), s) as unknown as z.ZodString;
  };
  /** A list of at most `max` entries. */
  const list = <T extends z.ZodType>(of: T, max: number): z.ZodArray<T> => {
    const a = z.array(of).max(max);
    if (!clip) return a;
    return z.preprocess((v) => (Array.isArray(v) && v.length > max ? (clip.n++, v.slice(0, max)) : v), a) as unknown as z.ZodArray<T>;
  };

  const itemSchema = z.object({
    id: productIdSchema,
    name: text(LIMITS.maxValueLength).default(''),
    category: text(LIMITS.maxValueLength).optional(),
    brand: text(LIMITS.maxValueLength).optional(),
    variant: text(LIMITS.maxValueLength).optional(),
    price: moneySchema,
    quantity: quantitySchema.default(1),
    currency: currencySchema.optional(),
  });

  const itemsSchema = list(itemSchema, LIMITS.maxItems);

  const cartSchema = z.object({
    cart_id: idSchema,
    items: itemsSchema,
    value: moneySchema,
    currency: currencySchema.optional(),
  });

  const orderSchema = z.object({
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

  const elementSchema = z.object({
    tag: text(32),
    text: text(LIMITS.maxElementText).default(''),
    id: text(LIMITS.maxValueLength).default(''),
    classes: z
      .union([text(LIMITS.maxValueLength), list(text(LIMITS.maxNameLength), 50)])
      .default('')
      .transform((c) => (Array.isArray(c) ? c.join(' ') : c)),
    href: text(LIMITS.maxUrlLength).default(''),
    selector: text(LIMITS.maxSelectorLength).default(''),
    /**
     * Set by SDKs for links that leave the site or fetch a file; without it the worker derives it
     * from `href` and the page's `url` (an SDK sends it only for a `download` attribute).
     */
    kind: z.enum(['outbound', 'download']).optional(),
  });

  const propKey = z
    .string()
    .min(1)
    .max(LIMITS.maxKeyLength)
    .refine((k) => !FORBIDDEN_KEYS.has(k), 'reserved key');

  const propValue = z.union([text(LIMITS.maxValueLength), z.number().finite(), z.boolean(), z.null()]);

  /** Flat key → primitive maps: `props` on any event, `traits` on identify. */
  const flat = z.record(propKey, propValue).refine((p) => Object.keys(p).length <= LIMITS.maxProps, `at most ${LIMITS.maxProps} keys`);
  const propsSchema = clip ? (z.preprocess((v) => flatProps(v, clip), flat) as unknown as typeof flat) : flat;

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
    screen: text(32).optional(),
    lang: text(35).optional(),
    tz: text(64).optional(),
    /** The SDK's returning-visitor flag: the visitor had a cookie before this session. */
    returning: z.boolean().optional(),
    /** No persistent id: GPC/DNT or consent denied; visitor_id lives for the page only. */
    cookieless: z.boolean().optional(),
  };

  const url = text(LIMITS.maxUrlLength);

  const pageviewSchema = z.object({ ...baseEvent, type: z.literal('pageview'), url });
  const pageLeaveSchema = z.object({
    ...baseEvent,
    type: z.literal('page_leave'),
    url,
    engaged_ms: z.number().int().min(0).max(LIMITS.maxEngagedMs).default(0),
    scroll_pct: z.number().min(0).max(100).transform(Math.round).default(0),
  });
  const clickSchema = z.object({ ...baseEvent, type: z.literal('click'), element: elementSchema });
  const cartViewSchema = z.object({ ...baseEvent, type: z.literal('cart_view'), cart: cartSchema });
  const cartAddSchema = z.object({
    ...baseEvent,
    type: z.literal('cart_add'),
    item: itemSchema,
    cart: cartSchema.optional(),
  });
  const cartRemoveSchema = z.object({
    ...baseEvent,
    type: z.literal('cart_remove'),
    item: itemSchema,
    cart: cartSchema.optional(),
  });
  const checkoutSchema = z.object({ ...baseEvent, type: z.literal('checkout'), cart: cartSchema });
  const purchaseSchema = z.object({ ...baseEvent, type: z.literal('purchase'), order: orderSchema });
  const refundSchema = z.object({ ...baseEvent, type: z.literal('refund'), order: orderSchema });
  const identifySchema = z.object({
    ...baseEvent,
    type: z.literal('identify'),
    user_id: userIdSchema,
    traits: propsSchema.optional(),
  });
  const customSchema = z.object({
    ...baseEvent,
    type: z.literal('custom'),
    name: text(LIMITS.maxNameLength, 1),
    /** The product a custom event is about, e.g. the SDK's `view_item` from a GA4 dataLayer. */
    item: itemSchema.optional(),
  });

  const eventSchema = z.discriminatedUnion('type', [
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

  return {
    itemSchema,
    cartSchema,
    orderSchema,
    elementSchema,
    propsSchema,
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
    eventSchema,
  };
}

/**
 * `props`/`traits` as the clipping schema repairs them: keys that could reach a prototype
 * (`constructor`, `prototype`) are dropped, longer keys cut to their limit, a nested value is kept
 * as its JSON text (cut to the value limit by the value's schema), and only the first `maxProps`
 * keys are kept. A map that needs none of it is returned as it is.
 */
function flatProps(v: unknown, clip: ClipCounter): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const p = v as Record<string, unknown>;
  const keys = Object.keys(p);
  const fine = keys.length <= LIMITS.maxProps && keys.every((k) => k.length <= LIMITS.maxKeyLength && !FORBIDDEN_KEYS.has(k) && !isObject(p[k]));
  if (fine) return v;
  clip.n++;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k of keys) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    // A cut key is longer than any reserved name, so it cannot become one.
    const key = cutText(k, LIMITS.maxKeyLength);
    if (!Object.hasOwn(out, key) && ++n > LIMITS.maxProps) break;
    out[key] = isObject(p[k]) ? JSON.stringify(p[k]) : p[k];
  }
  return out;
}

const isObject = (x: unknown): boolean => x !== null && typeof x === 'object';

export const {
  itemSchema,
  cartSchema,
  orderSchema,
  elementSchema,
  propsSchema,
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
  eventSchema,
} = wireSchemas();

/** The batch envelope; events are validated one by one so one bad event never sinks the rest. */
export const batchEnvelopeSchema = z.object({
  site: siteIdSchema,
  batch_id: batchIdSchema,
  sent_at: epochMsSchema.optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.maxEventsPerBatch),
  /** `navigator.webdriver` of the sending page: an automated browser, classified as a bot. */
  webdriver: z.boolean().optional(),
});
