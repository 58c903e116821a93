// A customer's model inputs computed from their orders directly, by the rules prediction_inputs
// applies in SQL (docs/PREDICTIONS.md, "Inputs"): the reference the SQL is tested against, and
// what a caller with orders in hand (the CDNOW validation) feeds the models.
import { DAYS_PER_WEEK, type Recency } from './inputs.js';

/** One order: when it was placed and its value net of refunds (may be zero or negative). */
export interface Purchase {
  /** Epoch milliseconds. */
  at: number;
  value: number;
}

export interface History extends Recency {
  purchaseDays: number;
  tDaysX: number;
  tDays: number;
  /** UTC day numbers (days since 1970-01-01) of the first and last purchase day. */
  firstDay: number;
  lastDay: number;
  /** Mean value of the repeat purchase days (0 without any). */
  meanRepeatValue: number;
  /** Mean value of all purchase days. */
  meanDayValue: number;
}

const DAY_MS = 86_400_000;

/** UTC day number of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new RangeError(`${date} is not a YYYY-MM-DD date`);
  return ms / DAY_MS;
}

/** The inputs as of the end of `asOf` (YYYY-MM-DD); null for a customer with no order by then. */
export function historyAsOf(purchases: readonly Purchase[], asOf: string): History | null {
  const end = dayNumber(asOf);
  const days = new Map<number, number>();
  for (const p of purchases) {
    const day = Math.floor(p.at / DAY_MS);
    if (day > end) continue;
    days.set(day, (days.get(day) ?? 0) + p.value);
  }
  if (days.size === 0) return null;
  const sorted = [...days.keys()].sort((a, b) => a - b);
  const firstDay = sorted[0]!;
  const lastDay = sorted[sorted.length - 1]!;
  const x = sorted.length - 1;
  let total = 0;
  for (const v of days.values()) total += v;
  const repeat = total - days.get(firstDay)!;
  return {
    x,
    tDaysX: lastDay - firstDay,
    tDays: end - firstDay,
    tx: (lastDay - firstDay) / DAYS_PER_WEEK,
    T: (end - firstDay) / DAYS_PER_WEEK,
    purchaseDays: sorted.length,
    firstDay,
    lastDay,
    meanRepeatValue: x > 0 ? repeat / x : 0,
    meanDayValue: total / sorted.length,
  };
}
