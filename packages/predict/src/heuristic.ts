// The fallback when a site has no fitted model (too few repeat buyers): a customer's own rhythm.
// customer_predictions applies these rules in SQL; this is their reference (docs/PREDICTIONS.md,
// "Small shops").

/** Shortest gap assumed between purchases, as the lifecycle rules of customer_profiles. */
export const MIN_GAP_DAYS = 7;
/** Gap assumed when neither the customer nor the site has any repeat purchase. */
export const DEFAULT_GAP_DAYS = 90;

export interface HeuristicInput {
  x: number;
  tDaysX: number;
  tDays: number;
}

/** The customer's expected gap: their mean days between purchase days, else the site's, at least 7. */
export function gapDays(c: HeuristicInput, siteGapDays: number | null): number {
  const own = c.x > 0 ? c.tDaysX / c.x : (siteGapDays ?? DEFAULT_GAP_DAYS);
  return Math.max(MIN_GAP_DAYS, own);
}

/** The site's pooled gap: Σ t_x days / Σ x over its customers; null without repeat purchases. */
export function siteGapDays(customers: readonly HeuristicInput[]): number | null {
  let days = 0;
  let x = 0;
  for (const c of customers) {
    days += c.tDaysX;
    x += c.x;
  }
  return x > 0 ? days / x : null;
}

/** exp(−days since the last purchase day / gap): 1 right after a purchase, 0.37 one gap later. */
export function heuristicPAlive(c: HeuristicInput, gap: number): number {
  return Math.exp(-(c.tDays - c.tDaysX) / gap);
}

/** Purchases in the next `days` at their own pace, if still a customer. */
export function heuristicExpectedPurchases(c: HeuristicInput, gap: number, days: number): number {
  return (heuristicPAlive(c, gap) * days) / gap;
}
