// GA4 ecommerce events (gtag's `event` command or Tag Manager's `{event, ecommerce}` push, the
// documented `items[]` shape) as Spoor actions. Pure: unit-tested in test/unit/map-ga4.test.ts.
import { type Action, amount, currencyOf, listOf, toItem, toOrder } from './item.js';

/** The GA4 fields Spoor reads; everything else is ignored. */
export interface Ga4Params {
  items?: unknown;
  transaction_id?: unknown;
  value?: unknown;
  tax?: unknown;
  shipping?: unknown;
  currency?: unknown;
  coupon?: unknown;
}

const METHOD: Record<string, Action[0]> = {
  view_item: 'view_item',
  add_to_cart: 'add',
  remove_from_cart: 'remove',
  view_cart: 'view',
  begin_checkout: 'checkout',
  purchase: 'purchase',
  refund: 'refund',
};

/**
 * The Spoor actions one GA4 event stands for (one per item for add, remove and view_item), or
 * none for events Spoor does not map and for what cannot be mapped. Items: item_id (or
 * item_name), item_name, item_brand, item_variant, price, quantity; item_category to
 * item_category5 become one `/` path (Universal Analytics' category convention, so one product
 * has one category in both dialects); an item without a currency takes the event's.
 */
export function fromGa4(event: unknown, p: Ga4Params | null | undefined, fallbackCurrency?: string): Action[] {
  const m = typeof event === 'string' ? METHOD[event] : undefined;
  if (!m || !p || typeof p !== 'object') return [];
  // GA4 requires the event's currency whenever it has a value.
  const currency = currencyOf(p.currency) ?? fallbackCurrency;
  const list = listOf(p.items, (i) =>
    toItem(
      i,
      i.item_id ?? i.item_name,
      i.item_name,
      ['', 2, 3, 4, 5]
        .map((n) => i[`item_category${n}`])
        .filter((c) => typeof c === 'string' && c)
        .join('/'),
      i.item_brand,
      i.item_variant,
      i.currency ?? currency,
    ),
  );
  if (/^(add|remove|view_item)$/.test(m)) return list.map((i) => [m, i]);
  const value = amount(p.value);
  // A cart without a value: the cart API adds up the items itself.
  if (m === 'view' || m === 'checkout') return Number.isNaN(value) ? [] : [[m, { items: list, value, currency }]];
  const order = toOrder(p.transaction_id, value, p.tax, p.shipping, p.coupon, currency, list);
  return order ? [[m, order]] : [];
}
