// Carts by id (primary key of `carts`), many in one query: the lines held at its last change, unless it was
// emptied or bought since — the rule of cart_states: purchased means an order named the cart after
// its latest change. Lines are named from the product statistics by primary key, in the same
// query: a product first seen a moment ago is not in any cached catalogue yet.
import type { CartLine, OpenCart } from '@spoor/events';
import { all, type Lookup, type LookupRows } from './lookups.js';
import { isoTime, money } from './values.js';

/** Parameters: `site`, `carts` (each row carries its cart as `id`). */
export function cartLookup(d: string): Lookup {
  return {
    name: 'cart',
    sql: `SELECT
        cart_id AS id,
        count() AS parts,
        argMaxIfMerge(state) AS s,
        s.1 AS quantity,
        toString(s.2) AS value,
        s.3 AS product_ids,
        s.4 AS quantities,
        arrayMap(p -> toString(p), s.5) AS prices,
        argMaxIfMerge(currency) AS cart_currency,
        toString(maxIfMerge(changed_at)) AS changed_text,
        toUnixTimestamp64Milli(maxIfMerge(changed_at)) AS changed_ms,
        toUnixTimestamp64Milli(maxIfMerge(purchased_at)) AS purchased_ms,
        (SELECT groupArray((product_id, n)) FROM (
           SELECT product_id, argMaxIfMerge(name) AS n FROM ${d}.products
           WHERE site_id = {site:String} AND product_id IN (
             SELECT arrayJoin(lines.3) FROM (
               SELECT argMaxIfMerge(state) AS lines FROM ${d}.carts
               WHERE site_id = {site:String} AND cart_id IN {carts:Array(String)} GROUP BY cart_id))
           GROUP BY product_id)) AS catalogue,
        arrayMap(p -> arrayFirst(x -> x.1 = p, catalogue).2, product_ids) AS names
      FROM ${d}.carts
      WHERE site_id = {site:String} AND cart_id IN {carts:Array(String)}
      GROUP BY cart_id`,
  };
}

interface CartRow {
  id: string;
  parts: number;
  quantity: number;
  value: string;
  product_ids: string[];
  quantities: number[];
  prices: string[];
  cart_currency: string;
  changed_text: string;
  changed_ms: number;
  purchased_ms: number;
  names: string[];
}

export function openCart(rows: LookupRows, cartId: string): OpenCart | undefined {
  const row = all<CartRow>(rows, 'cart').find((r) => r.id === cartId);
  if (!row || Number(row.parts) === 0) return undefined;
  if (Number(row.quantity) === 0 || Number(row.purchased_ms) >= Number(row.changed_ms)) return undefined;
  const currency = row.cart_currency;
  const items: CartLine[] = row.product_ids.map((id, i) => ({
    id,
    name: row.names[i] ?? '',
    price: money(row.prices[i]),
    quantity: Number(row.quantities[i] ?? 0),
    currency,
  }));
  return { cart_id: cartId, items, value: money(row.value), currency, updated_at: isoTime(row.changed_text) ?? '' };
}
