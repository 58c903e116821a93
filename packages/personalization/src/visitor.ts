// One visitor (browser) by primary key: its visit history, the customer it belongs to, its last
// cart, what it viewed and carted, and whether it was erased (`spoor forget`) — the erasure is read
// on every lookup, so an erased visitor is unknown from the moment it is recorded, even while
// events of theirs that were already queued still arrive.
import { all, first, type Lookup, type LookupRows } from './lookups.js';

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

/** Parameters: `site`, `visitor`. */
export function visitorLookups(d: string): Lookup[] {
  return [
    {
      name: 'visitor',
      sql: `SELECT
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
        WHERE site_id = {site:String} AND visitor_id = {visitor:String}`,
    },
    {
      name: 'gone',
      sql: `SELECT count() AS n FROM ${d}.forgotten
        WHERE site_id IN ('', {site:String}) AND kind = 'visitor' AND id = {visitor:String}`,
    },
    {
      name: 'seen',
      sql: `SELECT product_id, max(carted) AS carted, toString(max(last_at)) AS seen_at
        FROM ${d}.session_products WHERE site_id = {site:String} AND visitor_id = {visitor:String}
        GROUP BY product_id ORDER BY max(last_at) DESC, product_id LIMIT ${SEEN_KEPT}`,
    },
    {
      name: 'bought',
      sql: `SELECT groupUniqArrayArrayIfMerge(products) AS products FROM ${d}.customer_transactions
        WHERE site_id = {site:String} AND (
          (user_id = '' AND visitor_id = {visitor:String})
          OR (user_id != '' AND user_id IN (SELECT argMaxIfMerge(user_id) FROM ${d}.visitor_activity
                                            WHERE site_id = {site:String} AND visitor_id = {visitor:String})))`,
    },
  ];
}

interface VisitorRow {
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

/** `forgotten` when the erasure list names the visitor; undefined when it never sent anything. */
export function visitorSummary(rows: LookupRows): VisitorSummary | 'forgotten' | undefined {
  if (Number(first<{ n: number }>(rows, 'gone')?.n ?? 0) > 0) return 'forgotten';
  const v = first<VisitorRow>(rows, 'visitor');
  if (!v || Number(v.parts) === 0) return undefined;
  return {
    firstSeen: v.first_seen,
    lastSeen: v.last_seen,
    userId: v.user_id,
    sessions: Number(v.sessions),
    cartId: v.cart_id,
    cartQuantity: Number(v.cart_quantity),
    cartChangedMs: Number(v.cart_changed_ms),
    purchasedMs: Number(v.purchased_ms),
    cookieless: Number(v.cookieless) === 1,
    seen: all<{ product_id: string; carted: number; seen_at: string }>(rows, 'seen').map((r) => ({
      productId: r.product_id,
      carted: Number(r.carted) === 1,
      lastAt: r.seen_at,
    })),
    bought: first<{ products: string[] }>(rows, 'bought')?.products ?? [],
  };
}

/** Whether the browser's last cart still holds something not bought since. */
export function hasOpenCart(v: VisitorSummary): boolean {
  return v.cartId !== '' && v.cartQuantity > 0 && v.purchasedMs < v.cartChangedMs;
}
