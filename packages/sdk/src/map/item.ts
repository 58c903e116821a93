// Turns loosely typed dataLayer values into valid wire items and money: the dialect mappers read
// only the fields they name (so cyclic or huge objects cost nothing), and whatever cannot be
// made valid is left out rather than sent to be refused. Pure: unit-tested in test/unit/map-*.
import { MAX_ITEMS } from '../limits.js';
import type { CartApi, ItemInput } from '../types.js';

/** What a mapper asks of the core: a cart method (or a `view_item` custom event) and its argument. */
export type Action = [keyof CartApi | 'view_item', unknown];

/** A label: strings and numbers as text, anything else absent. */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && isFinite(v) ? String(v) : undefined;

/**
 * A non-negative amount from a number or a numeric string ('15.25'); `undefined` when absent,
 * NaN when present but not a valid amount.
 */
export function amount(v: unknown): number | undefined {
  if (v == null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d*\.?\d+\s*$/.test(v) ? Number(v) : NaN;
  return n >= 0 && n < 1e14 ? n : NaN;
}

/** A 3-letter currency code, upper case, or undefined. */
export const currencyOf = (v: unknown): string | undefined =>
  typeof v === 'string' && /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined;

export interface ItemFields {
  id: unknown;
  name?: unknown;
  category?: unknown;
  brand?: unknown;
  variant?: unknown;
  price?: unknown;
  quantity?: unknown;
  currency?: unknown;
}

/** A wire item, or undefined when it has no id or a price or quantity that is not a valid amount. */
export function toItem(f: ItemFields): ItemInput | undefined {
  const id = text(f.id)?.trim();
  const price = amount(f.price) ?? 0;
  const q = amount(f.quantity) ?? 1;
  if (!id || !(price >= 0) || !(q <= 1e6)) return;
  const item: ItemInput = { id, name: text(f.name) ?? '', price, quantity: Math.round(q) };
  for (const k of ['category', 'brand', 'variant'] as const) {
    const v = text(f[k]);
    if (v) item[k] = v;
  }
  const c = currencyOf(f.currency);
  if (c) item.currency = c;
  return item;
}

/** The mapped items of a list that may be anything: at most MAX_ITEMS; a line that throws or cannot be mapped is left out. */
export function items<T>(list: unknown, map: (x: T) => ItemInput | undefined): ItemInput[] {
  const out: ItemInput[] = [];
  if (!Array.isArray(list)) return out;
  for (const x of list.slice(0, MAX_ITEMS)) {
    try {
      const i = x && typeof x === 'object' ? map(x as T) : undefined;
      if (i) out.push(i);
    } catch {
      // a getter that throws: this line is left out
    }
  }
  return out;
}

/** Sum of price × quantity. */
export const total = (list: ItemInput[]): number => list.reduce((s, i) => s + (i.price as number) * i.quantity!, 0);

/**
 * An order from its mapped parts, or undefined when its id is missing or its revenue (or the
 * amounts it has) are not valid; without a revenue, the items add up to it.
 */
export function toOrder(o: {
  id: unknown;
  revenue: unknown;
  tax?: unknown;
  shipping?: unknown;
  coupon?: unknown;
  currency: unknown;
  items: ItemInput[];
}): Record<string, unknown> | undefined {
  const order_id = text(o.id)?.trim();
  const revenue = amount(o.revenue) ?? total(o.items);
  const tax = amount(o.tax);
  const shipping = amount(o.shipping);
  if (!order_id || !(revenue >= 0) || Number.isNaN(tax) || Number.isNaN(shipping)) return;
  return { order_id, revenue, tax, shipping, coupon: text(o.coupon), currency: currencyOf(o.currency) ?? o.items.find((i) => i.currency)?.currency, items: o.items };
}
