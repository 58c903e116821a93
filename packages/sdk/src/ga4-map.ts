// GA4 ecommerce events (the documented `ecommerce` shape with `items[]`) as Spoor cart calls.
// Pure: unit-tested in test/ga4-map.test.ts.
import { cartValue } from './cart.js';
import type { CartApi, ItemInput, OrderInput } from './types.js';

/** The GA4 fields Spoor reads; everything else is ignored. */
export interface Ga4Params {
  items?: Ga4Item[];
  transaction_id?: string | number;
  value?: number | string;
  tax?: number | string;
  shipping?: number | string;
  currency?: string;
  coupon?: string;
}

export interface Ga4Item {
  item_id?: string | number;
  item_name?: string;
  item_category?: string;
  item_brand?: string;
  item_variant?: string;
  price?: number | string;
  quantity?: number | string;
  currency?: string;
}

/** `view_item` has no cart method: it becomes a custom event of that name carrying the item. */
export type Ga4Method = keyof CartApi | 'view_item';

const METHOD: Record<string, Ga4Method> = {
  view_item: 'view_item',
  add_to_cart: 'add',
  remove_from_cart: 'remove',
  view_cart: 'view',
  begin_checkout: 'checkout',
  purchase: 'purchase',
  refund: 'refund',
};

/**
 * GA4's item_id, item_name, item_category, item_brand and item_variant are Spoor's id, name,
 * category, brand and variant; price, quantity and currency keep their names. Other GA4 item
 * fields come along under their short names and the collector drops them.
 */
export function ga4Item(i: Ga4Item, currency?: string): ItemInput {
  const o: Record<string, unknown> = { currency };
  for (const [k, v] of Object.entries(i)) o[k.replace(/^item_/, '')] = v;
  return {
    ...o,
    id: String(o.id ?? o.name ?? ''),
    price: Number(o.price) || 0,
    quantity: Number(o.quantity) || 1,
  };
}

/**
 * The Spoor method one GA4 event stands for and the argument of each call (one per item for
 * add, remove and view_item), or undefined for events Spoor does not map.
 */
export function fromGa4(event: string, p: Ga4Params | null | undefined): [Ga4Method, unknown[]] | undefined {
  const m = METHOD[event];
  if (!m || !p) return;
  // GA4 requires the event's currency whenever it has a value.
  const currency = p.currency;
  const items = (p.items || []).map((i) => ga4Item(i, currency));
  if (m === 'add' || m === 'remove' || m === 'view_item') return [m, items];
  // Without a value, the cart API adds up the items itself.
  if (m === 'view' || m === 'checkout') return [m, [{ items, value: p.value, currency }]];
  const order = {
    order_id: String(p.transaction_id ?? ''),
    revenue: p.value ?? cartValue(items),
    tax: p.tax,
    shipping: p.shipping,
    coupon: p.coupon,
    currency,
    items,
  } as OrderInput;
  return [m, [order]];
}
