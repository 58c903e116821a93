// The per-customer model inputs, in the units of the papers: repeat purchases counted in days,
// times in weeks (days / 7). Read from ClickHouse by `readInputs` (inputs-query.ts).

/** One customer's purchase history as BG/NBD sees it. */
export interface Recency {
  /** Repeat purchase days: distinct UTC days with an order, after the first one. */
  x: number;
  /** Weeks from the first to the last purchase day. */
  tx: number;
  /** Weeks from the first purchase day to the as-of date. */
  T: number;
  /** Customers with exactly this history (1 when absent). */
  count?: number;
}

/** One repeat buyer's spend as Gamma-Gamma sees it. */
export interface Spend {
  /** Repeat purchase days (≥ 1). */
  x: number;
  /** Mean net value of those days (> 0 to enter a fit). */
  m: number;
  /** Customers with exactly these figures (1 when absent). */
  count?: number;
}

export const DAYS_PER_WEEK = 7;

/** Identical rows folded into one with a count, so a likelihood sums over distinct histories. */
export interface Grouped<T> {
  rows: T[];
  counts: number[];
}

export function groupRows<T extends { count?: number }>(rows: readonly T[], key: (row: T) => string): Grouped<T> {
  const index = new Map<string, number>();
  const out: Grouped<T> = { rows: [], counts: [] };
  for (const row of rows) {
    const n = row.count ?? 1;
    const k = key(row);
    const i = index.get(k);
    if (i === undefined) {
      index.set(k, out.rows.length);
      out.rows.push(row);
      out.counts.push(n);
    } else {
      out.counts[i]! += n;
    }
  }
  return out;
}
