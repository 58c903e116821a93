// Recommendations from the affinities the materialized views keep: start from what the shopper
// bought, carted and viewed (or from the product of a product page), follow those products' partners
// to what was bought and viewed with them, then fill with the best sellers of the seeds' categories
// and of the site. Pure functions: the lookups that feed them live in me.ts, profile.ts and
// personalization.ts.
import type { Recommendation } from '@spoor/events';
import type { Partner } from './affinity.js';
import type { Catalog, ProductInfo } from './catalog.js';
import { money } from './values.js';

/** How much each kind of evidence about the shopper counts. */
export const SEED_WEIGHTS = { bought: 1, carted: 0.8, viewed: 0.5 } as const;
/** A shared session is weaker evidence than a shared order. */
export const VIEWED_WEIGHT = 0.5;
/** Seeds taken per shopper: bought first, then their most recently viewed or carted products. */
export const MAX_SEEDS = 20;

export interface Seed {
  productId: string;
  weight: number;
}

export interface ShopperHistory {
  /** Products the shopper bought (any browser of theirs). */
  bought: readonly string[];
  /** Products their browser viewed or carted, with when and whether it carted them. */
  seen: ReadonlyArray<{ productId: string; carted: boolean; lastAt: string }>;
}

export function seedsOf(history: ShopperHistory): Seed[] {
  const weights = new Map<string, number>();
  for (const id of history.bought) weights.set(id, SEED_WEIGHTS.bought);
  const recent = [...history.seen].sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : a.productId < b.productId ? -1 : 1));
  for (const s of recent) {
    const w = s.carted ? SEED_WEIGHTS.carted : SEED_WEIGHTS.viewed;
    if ((weights.get(s.productId) ?? 0) < w) weights.set(s.productId, w);
  }
  const order = [...history.bought, ...recent.map((s) => s.productId)];
  const seeds: Seed[] = [];
  for (const id of order) {
    if (seeds.length >= MAX_SEEDS) break;
    if (seeds.some((s) => s.productId === id)) continue;
    seeds.push({ productId: id, weight: weights.get(id)! });
  }
  return seeds;
}

export interface AssembleInput {
  seeds: readonly Seed[];
  /** Each seed's partners (product_pairs). */
  partners: ReadonlyMap<string, readonly Partner[]>;
  catalog: Catalog;
  /** Never recommended: bought (unless consumable), in the cart, the page's own product. */
  exclude: ReadonlySet<string>;
  limit: number;
}

interface Scored {
  product: ProductInfo;
  bought: number;
  viewed: number;
}

/**
 * The list: the seeds' partners, scored by Σ seed weight × shared orders / (the seed's orders + 1)
 * and the same over sessions (half weight), reason by the stronger part; then best sellers of the
 * seeds' categories (the strongest seeds' first); then the site's best sellers. Each product once,
 * only products of the catalogue (a name and a price to show).
 */
export function assemble(input: AssembleInput): Recommendation[] {
  const { catalog } = input;
  const scored = new Map<string, Scored>();
  for (const seed of input.seeds) {
    const stats = catalog.byId.get(seed.productId);
    for (const p of input.partners.get(seed.productId) ?? []) {
      const product = catalog.byId.get(p.productId);
      if (!product) continue;
      const s = scored.get(p.productId) ?? { product, bought: 0, viewed: 0 };
      s.bought += (seed.weight * p.orders) / ((stats?.orders ?? 0) + 1);
      s.viewed += (seed.weight * p.sessions) / ((stats?.sessions ?? 0) + 1);
      scored.set(p.productId, s);
    }
  }
  const strength = (s: Scored) => s.bought + VIEWED_WEIGHT * s.viewed;
  const ranked = [...scored.values()].sort((a, b) => strength(b) - strength(a) || (a.product.productId < b.product.productId ? -1 : 1));

  const out: Recommendation[] = [];
  const taken = new Set(input.exclude);
  const add = (p: ProductInfo, reason: Recommendation['reason'], score: number) => {
    if (out.length >= input.limit || taken.has(p.productId)) return;
    taken.add(p.productId);
    out.push({
      product_id: p.productId,
      name: p.name,
      category: p.category,
      price: money(p.price),
      currency: p.currency,
      reason,
      score: Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000,
    });
  };
  const totalWeight = input.seeds.reduce((n, s) => n + s.weight, 0) || 1;
  for (const s of ranked) {
    add(s.product, s.bought >= VIEWED_WEIGHT * s.viewed ? 'bought_together' : 'viewed_together', strength(s) / ((1 + VIEWED_WEIGHT) * totalWeight));
  }
  const categories = [...new Set(input.seeds.map((s) => catalog.byId.get(s.productId)?.category ?? '').filter(Boolean))];
  for (const category of categories) {
    const list = catalog.byCategory.get(category) ?? [];
    const top = list[0]?.orders || 1;
    for (const p of list) add(p, 'popular_in_category', p.orders / top);
  }
  const top = catalog.bestSellers[0]?.orders || 1;
  for (const p of catalog.bestSellers) add(p, 'popular', p.orders / top);
  return out;
}

/**
 * What a shopper is never shown: the cart's products, and what they bought unless the site or the
 * product says it is a consumable (`repurchase_products`, or props.repurchase on its events).
 */
export function exclusions(opts: { bought: readonly string[]; cart: readonly string[]; catalog: Catalog; repurchaseProducts: readonly string[] }): Set<string> {
  const out = new Set(opts.cart);
  const consumable = new Set(opts.repurchaseProducts);
  for (const id of opts.bought) if (!consumable.has(id) && !opts.catalog.byId.get(id)?.repurchase) out.add(id);
  return out;
}
