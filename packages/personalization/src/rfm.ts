// RFM scores for one customer without ranking the whole site on every lookup. customer_profiles
// owns the rule (quintiles of site-wide ranks, ties sharing the lowest rank); what it assigns is
// summarised per site as the range of values each score holds (e.g. f_score 3 = 2 to 3 orders),
// refreshed every few minutes, and a customer's current figures are placed in those ranges. Scores
// never split ties, so the ranges of one dimension never overlap: a customer whose figures have not
// changed since the summary gets exactly the view's scores; one who just ordered again gets the
// score their new figures earn against the site as it was at the summary.
import type { WarehouseReader } from '@spoor/warehouse';

/** The value ranges the view gave each score, per dimension (index 0 is score 1). */
export interface RfmLevels {
  customers: number;
  /** Highest recency_days that still earns each R score (R grows as recency shrinks). */
  recencyHigh: Array<number | undefined>;
  /** Lowest orders that earns each F score. */
  ordersLow: Array<number | undefined>;
  /** Lowest revenue that earns each M score. */
  revenueLow: Array<number | undefined>;
  asOf: string;
}

interface Row {
  customers: number;
  r: [number[], number[]];
  f: [number[], number[]];
  m: [number[], number[]];
  as_of: string;
}

export async function loadRfmLevels(db: WarehouseReader, site: string): Promise<RfmLevels> {
  const [row] = await db.query<Row>(
    `SELECT count() AS customers,
       maxMap([r_score], [recency_days]) AS r,
       minMap([f_score], [orders]) AS f,
       minMap([m_score], [toFloat64(revenue)]) AS m,
       toString(any(as_of)) AS as_of
     FROM ${db.database}.customer_profiles WHERE site_id = {site:String}`,
    { site },
  );
  const levels = (pairs: [number[], number[]] | undefined) => {
    const out: Array<number | undefined> = [undefined, undefined, undefined, undefined, undefined];
    if (pairs) pairs[0].forEach((score, i) => (out[score - 1] = Number(pairs[1][i])));
    return out;
  };
  return {
    customers: Number(row?.customers ?? 0),
    recencyHigh: levels(row?.r),
    ordersLow: levels(row?.f),
    revenueLow: levels(row?.m),
    asOf: row?.as_of ?? '',
  };
}

export interface RfmScores {
  r: number;
  f: number;
  m: number;
}

/** The highest score whose range the value reaches (1 when it reaches none). */
export function scoreOf(levels: RfmLevels, figures: { recencyDays: number; orders: number; revenue: number }): RfmScores {
  const best = (reaches: (i: number) => boolean) => {
    for (let i = 4; i > 0; i--) if (reaches(i)) return i + 1;
    return 1;
  };
  return {
    r: best((i) => levels.recencyHigh[i] !== undefined && figures.recencyDays <= levels.recencyHigh[i]!),
    f: best((i) => levels.ordersLow[i] !== undefined && figures.orders >= levels.ordersLow[i]!),
    m: best((i) => levels.revenueLow[i] !== undefined && figures.revenue >= levels.revenueLow[i]!),
  };
}
