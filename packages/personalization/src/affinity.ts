// What goes with a product: its partners in product_pairs (bought in the same order, viewed or
// carted in the same session), read by primary key for many products at once. Every shopper who
// looked at a product shares its list, so lists are kept per product for a while; the counts move
// slowly, while a shopper's own history (what the lists are looked up for) is always read fresh.
import type { Lookup } from './lookups.js';

export interface Partner {
  productId: string;
  /** Orders that held both products. */
  orders: number;
  /** Sessions that viewed or carted both. */
  sessions: number;
}

/** Partners read per product: the strongest by shared orders and sessions. */
export const PARTNERS_KEPT = 60;

/** The partners of the products in the `{pair_ids:Array(String)}` parameter. */
export function partnersLookup(database: string): Lookup {
  return {
    name: 'pairs',
    sql: `SELECT product_id, other_id, uniqExactMerge(orders) AS co_orders, uniqExactMerge(sessions) AS co_sessions
          FROM ${database}.product_pairs WHERE site_id = {site:String} AND product_id IN {pair_ids:Array(String)}
          GROUP BY product_id, other_id
          ORDER BY co_orders + co_sessions DESC, other_id
          LIMIT ${PARTNERS_KEPT} BY product_id`,
  };
}

export interface PairRow {
  product_id: string;
  other_id: string;
  co_orders: number;
  co_sessions: number;
}

export interface PartnerCache {
  /** Lists still fresh, and the products whose list must be read. */
  get(site: string, productIds: readonly string[]): { lists: Map<string, Partner[]>; missing: string[] };
  /** Every list kept, however old, and the products whose list is past its time to live or not kept. */
  peek(site: string, productIds: readonly string[]): { lists: Map<string, Partner[]>; stale: string[] };
  /** Stores the lists read for `productIds` (a product without pairs gets an empty list). */
  put(site: string, productIds: readonly string[], rows: readonly PairRow[]): Map<string, Partner[]>;
  clear(): void;
}

export function partnerCache(opts: { ttlMs: number; maxEntries?: number; now?: () => number }): PartnerCache {
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 50_000;
  const entries = new Map<string, { at: number; partners: Partner[] }>();
  const key = (site: string, id: string) => `${site}\u0000${id}`;
  return {
    get(site, productIds) {
      const lists = new Map<string, Partner[]>();
      const missing: string[] = [];
      for (const id of productIds) {
        const e = entries.get(key(site, id));
        if (e && now() - e.at < opts.ttlMs) lists.set(id, e.partners);
        else missing.push(id);
      }
      return { lists, missing };
    },
    peek(site, productIds) {
      const lists = new Map<string, Partner[]>();
      const stale: string[] = [];
      for (const id of productIds) {
        const e = entries.get(key(site, id));
        if (e) lists.set(id, e.partners);
        if (!e || now() - e.at >= opts.ttlMs) stale.push(id);
      }
      return { lists, stale };
    },
    put(site, productIds, rows) {
      const lists = new Map<string, Partner[]>(productIds.map((id) => [id, []]));
      for (const r of rows) {
        lists.get(r.product_id)?.push({ productId: r.other_id, orders: Number(r.co_orders), sessions: Number(r.co_sessions) });
      }
      for (const [id, partners] of lists) {
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(key(site, id), { at: now(), partners });
      }
      return lists;
    },
    clear: () => entries.clear(),
  };
}

/**
 * Reads stale partners lists again in the background: the products asked for meanwhile join the
 * next read, one read per site at a time, so however many lookups find a list old it is read once.
 */
export function partnerRefresher(cache: PartnerCache, read: (site: string, productIds: string[]) => Promise<PairRow[]>, maxBatch = 500) {
  const queued = new Map<string, Set<string>>();
  const running = new Set<string>();
  async function drain(site: string): Promise<void> {
    if (running.has(site)) return;
    running.add(site);
    try {
      while (queued.has(site)) {
        const ids = take(site);
        if (ids.length > 0) cache.put(site, ids, await read(site, ids));
      }
    } finally {
      running.delete(site);
    }
  }
  function take(site: string): string[] {
    const set = queued.get(site);
    if (!set) return [];
    const ids = [...set].slice(0, maxBatch);
    for (const id of ids) set.delete(id);
    if (set.size === 0) queued.delete(site);
    // Asked for again while an earlier read ran: those it brought are fresh.
    return cache.get(site, ids).missing;
  }
  return (site: string, productIds: readonly string[]): Promise<void> => {
    const set = queued.get(site) ?? new Set<string>();
    for (const id of productIds) set.add(id);
    queued.set(site, set);
    return drain(site);
  };
}
