// Turns loosely typed dataLayer values into valid wire items and money: the dialect mappers read
// only the fields they name (so cyclic or huge objects cost nothing), and whatever cannot be
// made valid is left out rather than sent to be refused. Pure: unit-tested in test/unit/map-*.
import { LIMITS } from '@spoor/events/limits';
import type { CartApi, ItemInput } from '../types.js';

/** What a mapper asks of the core: a cart method (or a `view_item` custom event) and its argument. */
export type Action = [keyof CartApi | 'view_item', unknown];

export type Obj = Record<string, unknown>;

/** A label: strings and numbers as text, anything else absent. */
const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && isFinite(v) ? String(v) : undefined);

/**
 * A non-negative amount from a number or a numeric string ('15.25'); `undefined` when absent,
 * NaN when present but not a valid amount.
 */
export const amount = (v: unknown): number | undefined =>
  v == null || v === '' ? undefined : (typeof v === 'number' || (typeof v === 'string' && /^\s*\d*\.?\d+\s*$/.test(v))) && +v >= 0 && +v < 1e14 ? +v : NaN;

/** A 3-letter currency code, upper case, or undefined. */
export const currencyOf = (v: unknown): string | undefined => (typeof v === 'string' && /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined);

/**
 * A wire item from a dialect's product `p` (every dialect names its price and quantity so) and
 * the fields the dialect names otherwise, or undefined when it has no id or a price or quantity
 * that is not a valid amount. Empty labels are left out (undefined is not sent).
 */
export function toItem(p: Obj, id: unknown, name: unknown, category: unknown, brand: unknown, variant: unknown, currency: unknown): ItemInput | undefined {
  const i = textOf(id)?.trim();
  const price = amount(p.price) ?? 0;
  const q = amount(p.quantity) ?? 1;
  const label = (v: unknown) => textOf(v) || undefined;
  if (i && price >= 0 && q <= 1e6) {
    return {
      id: i,
      name: textOf(name) ?? '',
      price,
      quantity: Math.round(q),
      category: label(category),
      brand: label(brand),
      variant: label(variant),
      currency: currencyOf(currency),
    };
  }
}

/** The mapped items of a list that may be anything: at most the wire's maxItems; a line that throws or cannot be mapped is left out. */
export function listOf(list: unknown, map: (x: Obj) => ItemInput | undefined): ItemInput[] {
  const out: ItemInput[] = [];
  if (Array.isArray(list)) {
    for (const x of list.slice(0, LIMITS.maxItems)) {
      try {
        const i = x && typeof x === 'object' && map(x as Obj);
        if (i) out.push(i);
      } catch {
        // a getter that throws: this line is left out
      }
    }
  }
  return out;
}

/**
 * An order from its mapped parts, or undefined when its id is missing or its revenue (or the
 * amounts it has) are not valid; without a revenue, the items add up to it.
 */
export function toOrder(
  id: unknown,
  revenue: unknown,
  tax: unknown,
  shipping: unknown,
  coupon: unknown,
  currency: unknown,
  list: ItemInput[],
): Obj | undefined {
  const order_id = textOf(id)?.trim();
  const r = amount(revenue) ?? list.reduce((s, i) => s + (i.price as number) * i.quantity!, 0);
  const t = amount(tax);
  const s = amount(shipping);
  // Each amount is absent, NaN (invalid) or not negative: the sum is a number only when all are valid.
  if (order_id && r + (t ?? 0) + (s ?? 0) >= 0) {
    return {
      order_id,
      revenue: r,
      tax: t,
      shipping: s,
      coupon: textOf(coupon),
      currency: currencyOf(currency) ?? list.find((i) => i.currency)?.currency,
      items: list,
    };
  }
}
