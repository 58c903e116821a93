// RFM scores for one customer without ranking the whole site on every lookup: the site's score
// cuts are computed ahead by rfm_thresholds_mv (every 30 s, migration 0090), the same cuts
// customer_profiles scores with, and a customer's current figures are placed against them. The
// rule (quintiles of site-wide ranks, ties sharing the lowest rank) is owned by that migration;
// here it is only "1 + the cuts the value passes".
import type { WarehouseReader } from '@spoor/warehouse';

/** A site's cuts for scores 2..5 of each dimension (empty before the first refresh). */
export interface RfmLevels {
  customers: number;
  /** Recency values (days) a customer's recency must stay below, per score above 1. */
  recencyCuts: number[];
  /** Order counts to exceed, per score above 1. */
  ordersCuts: number[];
  /** Revenues to exceed, per score above 1. */
  revenueCuts: number[];
  /** The day recency was counted to (YYYY-MM-DD). */
  asOf: string;
}

interface Row {
  customers: number;
  recency_cuts: number[];
  orders_cuts: Array<number | string>;
  revenue_cuts: Array<number | string>;
  as_of: string;
}

export async function loadRfmLevels(db: WarehouseReader, site: string): Promise<RfmLevels> {
  const [row] = await db.query<Row>(
    `SELECT latest.1 AS customers, latest.2 AS recency_cuts, latest.3 AS orders_cuts, latest.4 AS revenue_cuts, toString(latest.5) AS as_of
     FROM (SELECT argMax((customers, recency_cuts, orders_cuts, revenue_cuts, as_of), refreshed_at) AS latest
           FROM ${db.database}.rfm_thresholds WHERE site_id = {site:String})
     WHERE latest.1 > 0`,
    { site },
  );
  return {
    customers: Number(row?.customers ?? 0),
    recencyCuts: (row?.recency_cuts ?? []).map(Number),
    ordersCuts: (row?.orders_cuts ?? []).map(Number),
    revenueCuts: (row?.revenue_cuts ?? []).map(Number),
    asOf: row?.as_of ?? '',
  };
}

export interface RfmScores {
  r: number;
  f: number;
  m: number;
}

const DAY_MS = 86_400_000;

/**
 * Scores as customer_profiles gives them. Recency is counted to the day the cuts were computed
 * (as the view does), from the day of the last order (`YYYY-MM-DD...`).
 */
export function scoreOf(levels: RfmLevels, figures: { lastOrderDay: string; orders: number; revenue: number }): RfmScores {
  const recency = Math.max(0, Math.round((Date.parse(levels.asOf) - Date.parse(figures.lastOrderDay.slice(0, 10))) / DAY_MS));
  return {
    r: 1 + levels.recencyCuts.filter((cut) => recency < cut).length,
    f: 1 + levels.ordersCuts.filter((cut) => figures.orders > cut).length,
    m: 1 + levels.revenueCuts.filter((cut) => figures.revenue > cut).length,
  };
}
