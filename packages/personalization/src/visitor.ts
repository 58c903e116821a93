// Visitors (browsers) by primary key, many in one query: each one's visit history, the customer it
// belongs to, its last cart, what it viewed, carted and bought, and whether it was erased
// (`spoor forget`), so an erased visitor reads as erased even while events of theirs that were
// already queued still arrive.
import { all, groupBy, type Lookup, type LookupRows } from './lookups.js';

export interface VisitorSummary {
  firstSeen: string;
  lastSeen: string;
  /** The customer the browser was last seen as; empty while anonymous. */
  userId: string;
  sessions: number;
  cartId: string;
  cartQuantity: number;
  /** Epoch ms of the latest cart change, 0 when never. */
  cartChangedMs: number;
  /** Epoch ms of the latest purchase from this browser, 0 when never. */
  purchasedMs: number;
  /** Every event of it was sent without a persistent id (GPC, DNT, consent denied). */
  cookieless: boolean;
  /** Products it viewed or carted, most recent first. */
  seen: Array<{ productId: string; carted: boolean; lastAt: string }>;
  /** Products bought from it while anonymous, and under the user it belongs to. */
  bought: string[];
}

/** Products of a browser's history taken per lookup. */
const SEEN_KEPT = 50;

/**
 * Parameters: `site`, `visitors` (many browsers at once: each row carries its browser as `id`, so
 * one query answers every /v1/me lookup waiting at that moment).
 */
export function visitorLookups(d: string): Lookup[] {
  return [
    {
      name: 'visitor',
      sql: `SELECT
          visitor_id AS id,
          count() AS parts,
          toString(min(first_seen)) AS first_seen,
          toString(max(last_seen)) AS last_seen,
          argMaxIfMerge(user_id) AS user_id,
          uniqExactIfMerge(sessions) AS sessions,
          argMaxIfMerge(last_cart) AS cart,
          cart.1 AS cart_id,
          cart.2 AS cart_quantity,
          toUnixTimestamp64Milli(maxIfMerge(last_cart_change_at)) AS cart_changed_ms,
          toUnixTimestamp64Milli(maxIfMerge(last_purchase_at)) AS purchased_ms,
          max(cookieless) AS cookieless
        FROM ${d}.visitor_activity
        WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)}
        GROUP BY visitor_id`,
    },
    {
      name: 'gone',
      sql: `SELECT DISTINCT id FROM ${d}.forgotten
        WHERE site_id IN ('', {site:String}) AND kind = 'visitor' AND id IN {visitors:Array(String)}`,
    },
    {
      name: 'seen',
      sql: `SELECT visitor_id AS id, product_id, max(carted) AS carted, toString(max(last_at)) AS seen_at
        FROM ${d}.session_products WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)}
        GROUP BY visitor_id, product_id ORDER BY visitor_id, max(last_at) DESC, product_id LIMIT ${SEEN_KEPT} BY visitor_id`,
    },
    // What a browser bought while anonymous, and what its user bought (from any browser): the
    // browser's own products are the union of its rows in both.
    {
      name: 'bought_anonymous',
      sql: `SELECT visitor_id AS id, groupUniqArrayArrayIfMerge(products) AS products FROM ${d}.customer_transactions
        WHERE site_id = {site:String} AND user_id = '' AND visitor_id IN {visitors:Array(String)}
        GROUP BY visitor_id`,
    },
    {
      name: 'bought_user',
      sql: `SELECT user_id AS id, groupUniqArrayArrayIfMerge(products) AS products FROM ${d}.customer_transactions
        WHERE site_id = {site:String} AND user_id != '' AND user_id IN (
          SELECT argMaxIfMerge(user_id) FROM ${d}.visitor_activity
          WHERE site_id = {site:String} AND visitor_id IN {visitors:Array(String)} GROUP BY visitor_id)
        GROUP BY user_id`,
    },
  ];
}

interface VisitorRow {
  id: string;
  parts: number;
  first_seen: string;
  last_seen: string;
  user_id: string;
  sessions: number;
  cart_id: string;
  cart_quantity: number;
  cart_changed_ms: number;
  purchased_ms: number;
  cookieless: number;
}

interface SeenRow {
  id: string;
  product_id: string;
  carted: number;
  seen_at: string;
}

/**
 * Each browser the lookups found: `forgotten` when the erasure list names it; a browser that never
 * sent anything has no entry.
 */
export function visitorSummaries(rows: LookupRows): Map<string, VisitorSummary | 'forgotten'> {
  const out = new Map<string, VisitorSummary | 'forgotten'>();
  const seen = groupBy(all<SeenRow>(rows, 'seen'), (r) => r.id);
  const anonymous = new Map(all<{ id: string; products: string[] }>(rows, 'bought_anonymous').map((r) => [r.id, r.products]));
  const ofUser = new Map(all<{ id: string; products: string[] }>(rows, 'bought_user').map((r) => [r.id, r.products]));
  for (const v of all<VisitorRow>(rows, 'visitor')) {
    if (Number(v.parts) === 0) continue;
    out.set(v.id, {
      firstSeen: v.first_seen,
      lastSeen: v.last_seen,
      userId: v.user_id,
      sessions: Number(v.sessions),
      cartId: v.cart_id,
      cartQuantity: Number(v.cart_quantity),
      cartChangedMs: Number(v.cart_changed_ms),
      purchasedMs: Number(v.purchased_ms),
      cookieless: Number(v.cookieless) === 1,
      seen: (seen.get(v.id) ?? []).map((r) => ({ productId: r.product_id, carted: Number(r.carted) === 1, lastAt: r.seen_at })),
      bought: [...new Set([...(anonymous.get(v.id) ?? []), ...(v.user_id ? (ofUser.get(v.user_id) ?? []) : [])])],
    });
  }
  for (const g of all<{ id: string }>(rows, 'gone')) out.set(g.id, 'forgotten');
  return out;
}

/** Whether the browser's last cart still holds something not bought since. */
export function hasOpenCart(v: VisitorSummary): boolean {
  return v.cartId !== '' && v.cartQuantity > 0 && v.purchasedMs < v.cartChangedMs;
}
