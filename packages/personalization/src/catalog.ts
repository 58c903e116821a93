// The site's products as shoppers met them (product_stats: names, categories, prices, best
// sellers). Merging every product's states is a whole-site read, so the catalogue is kept per site
// and refreshed in the background (cart lines are named by primary key instead, see cart.ts).
import type { WarehouseReader } from '@spoor/warehouse';

export interface ProductInfo {
  productId: string;
  name: string;
  category: string;
  /** Decimal text. */
  price: string;
  currency: string;
  repurchase: boolean;
  /** Orders that held it, each once. */
  orders: number;
  /** Sessions that viewed or carted it, each once. */
  sessions: number;
}

export interface Catalog {
  byId: Map<string, ProductInfo>;
  /** Most ordered first (ties: most sessions, then id). */
  bestSellers: ProductInfo[];
  /** The same order within each category. */
  byCategory: Map<string, ProductInfo[]>;
}

export interface ProductRow {
  product_id: string;
  name: string;
  category: string;
  price: string;
  currency: string;
  repurchase: number | boolean;
  orders: number;
  sessions: number;
}

export function productInfo(r: ProductRow): ProductInfo {
  return {
    productId: r.product_id,
    name: r.name ?? '',
    category: r.category ?? '',
    price: r.price ?? '0',
    currency: r.currency ?? '',
    repurchase: r.repurchase === true || Number(r.repurchase) === 1,
    orders: Number(r.orders ?? 0),
    sessions: Number(r.sessions ?? 0),
  };
}

/** product_stats' columns for one product (the view's own finalisation), by primary key. */
export const PRODUCT_COLUMNS = `product_id, argMaxIfMerge(name) AS name, argMaxIfMerge(category) AS category,
  toString(argMaxMerge(price)) AS price, argMaxIfMerge(currency) AS currency, argMaxIfMerge(repurchase) AS repurchase,
  uniqExactIfMerge(orders) AS orders, uniqExactIfMerge(sessions) AS sessions`;

export async function loadCatalog(db: WarehouseReader, site: string): Promise<Catalog> {
  const rows = await db.query<ProductRow>(
    `SELECT product_id, name, category, toString(price) AS price, currency, repurchase, orders, sessions
     FROM ${db.database}.product_stats WHERE site_id = {site:String}
     ORDER BY orders DESC, sessions DESC, product_id`,
    { site },
  );
  const bestSellers = rows.map(productInfo);
  const byId = new Map(bestSellers.map((p) => [p.productId, p]));
  const byCategory = new Map<string, ProductInfo[]>();
  for (const p of bestSellers) {
    if (!p.category) continue;
    const list = byCategory.get(p.category) ?? [];
    list.push(p);
    byCategory.set(p.category, list);
  }
  return { byId, bestSellers, byCategory };
}
