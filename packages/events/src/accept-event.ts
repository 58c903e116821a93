// The strict event schema's verdict on a valid event, checked by hand for the collector's hot path:
// `acceptEvent` returns exactly what `eventSchema` would (same values, same keys in the same
// order), or undefined whenever the event is anything else, and then zod decides. zod stays the
// reference and the only voice of a refusal (its reason, path and message) and of clipping, so a
// gap here costs speed, never a verdict (test/accept-event.test.ts holds the two
// equal over the fuzz corpus and a sweep of every field's edge values).
import { FORBIDDEN_KEYS, LIMITS } from './limits.js';
import { ASCII_ID, CONTROL, CURRENCY, DECIMAL, UUID } from './patterns.js';
import { EPOCH_MS, toDecimalString } from './schema.js';
import { codePointLength } from './text.js';
import type { SpoorEvent } from './types.js';

type Obj = Record<string, unknown>;

/** Values decoded from JSON: an object that is not an array (what `z.object` takes). */
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod counts code points: only a text over its limit in UTF-16 units needs them counted. */
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && (v.length <= max || (v.length <= 2 * max && codePointLength(v) <= max));
// ASCII ids have one unit per code point; user ids are texts.
const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.maxIdLength && ASCII_ID.test(v);
const isUserId = (v: unknown): v is string => isText(v, LIMITS.maxUserIdLength) && v.length >= 1 && !CONTROL.test(v);
/** `z.number().int()` takes safe integers only. */
const isInt = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** Copies an optional field that passes `ok`; false when it is present and does not. */
function optional(out: Obj, from: Obj, key: string, ok: (v: unknown) => boolean): boolean {
  const v = from[key];
  if (v === undefined) return true;
  if (!ok(v)) return false;
  out[key] = v;
  return true;
}

/** An optional text field; false when present and too long or not text. */
function optionalText(out: Obj, from: Obj, key: string, max: number): boolean {
  const v = from[key];
  if (v === undefined) return true;
  if (!isText(v, max)) return false;
  out[key] = v;
  return true;
}

/** A text field defaulting to `''`; false when present and too long or not text. */
function defaultedText(out: Obj, from: Obj, key: string, max: number): boolean {
  const v = from[key];
  if (v === undefined) out[key] = '';
  else if (isText(v, max)) out[key] = v;
  else return false;
  return true;
}

const isBoolean = (v: unknown) => typeof v === 'boolean';

function money(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v <= LIMITS.maxMoney ? toDecimalString(v) : undefined;
  return typeof v === 'string' && DECIMAL.test(v) ? toDecimalString(v) : undefined;
}

const currency = (v: unknown): string | undefined => (typeof v === 'string' && CURRENCY.test(v) ? v.toUpperCase() : undefined);

/** An optional money or currency field converted by `to`; false when present and refused. */
function optionalAs(out: Obj, from: Obj, key: string, to: (v: unknown) => string | undefined): boolean {
  const v = from[key];
  if (v === undefined) return true;
  const x = to(v);
  if (x === undefined) return false;
  out[key] = x;
  return true;
}

function productId(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length >= 1 && isText(v, LIMITS.maxIdLength * 2) ? v : undefined;
  return isInt(v, 0, Number.MAX_SAFE_INTEGER) ? String(v) : undefined;
}

function item(v: unknown): Obj | undefined {
  if (!isObj(v)) return undefined;
  const id = productId(v.id);
  if (id === undefined) return undefined;
  const out: Obj = { id };
  if (!defaultedText(out, v, 'name', LIMITS.maxValueLength)) return undefined;
  if (!optionalText(out, v, 'category', LIMITS.maxValueLength)) return undefined;
  if (!optionalText(out, v, 'brand', LIMITS.maxValueLength)) return undefined;
  if (!optionalText(out, v, 'variant', LIMITS.maxValueLength)) return undefined;
  const price = money(v.price);
  if (price === undefined) return undefined;
  out.price = price;
  const quantity = v.quantity;
  if (quantity === undefined) out.quantity = 1;
  else if (isInt(quantity, 0, LIMITS.maxQuantity)) out.quantity = quantity;
  else return undefined;
  return optionalAs(out, v, 'currency', currency) ? out : undefined;
}

function items(v: unknown): Obj[] | undefined {
  if (!Array.isArray(v) || v.length > LIMITS.maxItems) return undefined;
  const out: Obj[] = new Array<Obj>(v.length);
  for (let i = 0; i < v.length; i++) {
    const it = item(v[i]);
    if (it === undefined) return undefined;
    out[i] = it;
  }
  return out;
}

function cart(v: unknown): Obj | undefined {
  if (!isObj(v) || !isId(v.cart_id)) return undefined;
  const list = items(v.items);
  const value = money(v.value);
  if (list === undefined || value === undefined) return undefined;
  const out: Obj = { cart_id: v.cart_id, items: list, value };
  return optionalAs(out, v, 'currency', currency) ? out : undefined;
}

function order(v: unknown): Obj | undefined {
  if (!isObj(v) || !isId(v.order_id)) return undefined;
  const revenue = money(v.revenue);
  if (revenue === undefined) return undefined;
  const out: Obj = { order_id: v.order_id, revenue };
  if (!optionalAs(out, v, 'tax', money) || !optionalAs(out, v, 'shipping', money) || !optionalAs(out, v, 'discount', money)) return undefined;
  if (!optionalText(out, v, 'coupon', LIMITS.maxNameLength)) return undefined;
  const code = currency(v.currency);
  if (code === undefined) return undefined;
  out.currency = code;
  const list = v.items === undefined ? [] : items(v.items);
  if (list === undefined) return undefined;
  out.items = list;
  return optional(out, v, 'cart_id', isId) ? out : undefined;
}

function classes(v: unknown): string | undefined {
  if (v === undefined) return '';
  if (typeof v === 'string') return isText(v, LIMITS.maxValueLength) ? v : undefined;
  if (!Array.isArray(v) || v.length > 50) return undefined;
  for (const c of v) if (!isText(c, LIMITS.maxNameLength)) return undefined;
  return v.join(' ');
}

function element(v: unknown): Obj | undefined {
  if (!isObj(v) || !isText(v.tag, 32)) return undefined;
  const out: Obj = { tag: v.tag };
  if (!defaultedText(out, v, 'text', LIMITS.maxElementText) || !defaultedText(out, v, 'id', LIMITS.maxValueLength)) return undefined;
  const joined = classes(v.classes);
  if (joined === undefined) return undefined;
  out.classes = joined;
  if (!defaultedText(out, v, 'href', LIMITS.maxUrlLength) || !defaultedText(out, v, 'selector', LIMITS.maxSelectorLength)) return undefined;
  const kind = v.kind;
  if (kind === undefined) return out;
  if (kind !== 'outbound' && kind !== 'download') return undefined;
  out.kind = kind;
  return out;
}

/** `props` and `traits`: a plain object of at most `maxProps` keys with primitive values. */
function flat(v: unknown): Obj | undefined {
  // `z.record` takes plain objects only; anything of another prototype is left to zod.
  if (!isObj(v)) return undefined;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(v);
  if (keys.length > LIMITS.maxProps) return undefined;
  const out: Obj = {};
  for (const k of keys) {
    if (k.length === 0 || !isText(k, LIMITS.maxKeyLength) || FORBIDDEN_KEYS.has(k)) return undefined;
    const x = v[k];
    if (x === null || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)) || isText(x, LIMITS.maxValueLength)) out[k] = x;
    else return undefined;
  }
  return out;
}

/** An optional `props`/`traits` field. */
function optionalFlat(out: Obj, from: Obj, key: string): boolean {
  const v = from[key];
  if (v === undefined) return true;
  const p = flat(v);
  if (p === undefined) return false;
  out[key] = p;
  return true;
}

/** The fields every event may carry, in the schema's order; `url` and `user_id` as the type requires. */
function base(raw: Obj, urlRequired: boolean, userRequired: boolean): Obj | undefined {
  const { event_id, ts, visitor_id } = raw;
  if (typeof event_id !== 'string' || !UUID.test(event_id)) return undefined;
  if (!isInt(ts, EPOCH_MS.min, EPOCH_MS.max) || !isId(visitor_id)) return undefined;
  const out: Obj = { event_id, ts, visitor_id };
  if (!optional(out, raw, 'session_id', isId)) return undefined;
  if (userRequired && raw.user_id === undefined) return undefined;
  if (!optional(out, raw, 'user_id', isUserId)) return undefined;
  if (urlRequired && raw.url === undefined) return undefined;
  if (!optionalText(out, raw, 'url', LIMITS.maxUrlLength) || !optionalText(out, raw, 'referrer', LIMITS.maxUrlLength)) return undefined;
  if (!optionalText(out, raw, 'title', LIMITS.maxValueLength) || !optionalFlat(out, raw, 'props')) return undefined;
  if (!optionalText(out, raw, 'screen', 32) || !optionalText(out, raw, 'lang', 35) || !optionalText(out, raw, 'tz', 64)) return undefined;
  if (!optional(out, raw, 'returning', isBoolean) || !optional(out, raw, 'cookieless', isBoolean)) return undefined;
  return out;
}

/** A field of the event's own type, required or optional, converted by `to`. */
function part(out: Obj, raw: Obj, key: string, to: (v: unknown) => Obj | undefined, required: boolean): boolean {
  const v = raw[key];
  if (v === undefined) return !required;
  const x = to(v);
  if (x === undefined) return false;
  out[key] = x;
  return true;
}

/** The strict schema's output for a valid event, or undefined: let zod decide. */
export function acceptEvent(raw: unknown): SpoorEvent | undefined {
  if (!isObj(raw)) return undefined;
  const type = raw.type;
  if (typeof type !== 'string') return undefined;
  const out = base(raw, type === 'pageview' || type === 'page_leave', type === 'identify');
  if (out === undefined) return undefined;
  out.type = type;
  switch (type) {
    case 'pageview':
      return out as SpoorEvent;
    case 'page_leave': {
      const { engaged_ms: engaged, scroll_pct: scroll } = raw;
      if (engaged === undefined) out.engaged_ms = 0;
      else if (isInt(engaged, 0, LIMITS.maxEngagedMs)) out.engaged_ms = engaged;
      else return undefined;
      if (scroll === undefined) out.scroll_pct = 0;
      else if (typeof scroll === 'number' && scroll >= 0 && scroll <= 100) out.scroll_pct = Math.round(scroll);
      else return undefined;
      return out as SpoorEvent;
    }
    case 'click':
      return part(out, raw, 'element', element, true) ? (out as SpoorEvent) : undefined;
    case 'cart_view':
    case 'checkout':
      return part(out, raw, 'cart', cart, true) ? (out as SpoorEvent) : undefined;
    case 'cart_add':
    case 'cart_remove':
      return part(out, raw, 'item', item, true) && part(out, raw, 'cart', cart, false) ? (out as SpoorEvent) : undefined;
    case 'purchase':
    case 'refund':
      return part(out, raw, 'order', order, true) ? (out as SpoorEvent) : undefined;
    case 'identify':
      return optionalFlat(out, raw, 'traits') ? (out as SpoorEvent) : undefined;
    case 'custom': {
      const name = raw.name;
      if (!isText(name, LIMITS.maxNameLength) || name.length < 1) return undefined;
      out.name = name;
      return part(out, raw, 'item', item, false) ? (out as SpoorEvent) : undefined;
    }
    default:
      return undefined;
  }
}
