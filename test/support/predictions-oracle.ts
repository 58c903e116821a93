// The predictions oracle: each customer's prediction recomputed from the distinct events in plain
// TypeScript (orders once per order id at the highest revenue, refunds per event against their
// order, purchase days, then the heuristic of docs/PREDICTIONS.md), for sites without a fitted
// model, with the view's rounding of money to 4 places.
import type { SpoorEventInput } from '@spoor/events';
import { gapDays, heuristicPAlive, historyAsOf, siteGapDays, type History } from '@spoor/predict';
import { identityMap, money4 } from './recompute.js';

type Ev = SpoorEventInput;

export interface ExpectedPrediction {
  customer_id: string;
  history: History;
  p_alive: number;
  expected_purchases_90d: number;
  /** Epoch ms: the last purchase day plus the gap. */
  next_purchase_at: number;
  /** In ten-thousandths, as Decimal(18, 4) keeps it. */
  predicted_value_365d: number;
  value_score: number;
}

const DAY = 86_400_000;

/** `today` is the UTC day number (ms / 86_400_000), as in expectedCustomers. */
export function expectedPredictions(events: Ev[], today: number): Map<string, ExpectedPrediction> {
  const ids = identityMap(events);
  const customerOf = (e: Ev) => e.user_id || ids.get(e.visitor_id) || e.visitor_id;
  const orders = new Map<string, { customer: string; at: number; revenue: number }>();
  const refunds = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.type === 'purchase' && e.order.order_id) {
      const revenue = Number(money4(e.order.revenue));
      const cur = orders.get(e.order.order_id);
      orders.set(e.order.order_id, {
        customer: cur?.customer ?? customerOf(e),
        at: Math.min(cur?.at ?? e.ts, e.ts),
        revenue: Math.max(cur?.revenue ?? revenue, revenue),
      });
    } else if (e.type === 'refund' && e.order.order_id) {
      const byEvent = refunds.get(e.order.order_id) ?? new Map<string, number>();
      byEvent.set(e.event_id, Number(money4(e.order.revenue)));
      refunds.set(e.order.order_id, byEvent);
    }
  }
  // Net value per order, in ten-thousandths; kept in ms/value pairs per customer.
  const purchases = new Map<string, Array<{ at: number; value: number }>>();
  for (const [id, o] of orders) {
    const refunded = [...(refunds.get(id)?.values() ?? [])].reduce((s, v) => s + v, 0);
    const list = purchases.get(o.customer) ?? [];
    list.push({ at: o.at, value: o.revenue - refunded });
    purchases.set(o.customer, list);
  }
  const asOf = new Date(today * DAY).toISOString().slice(0, 10);
  const histories = new Map<string, History>();
  for (const [c, p] of purchases) {
    const h = historyAsOf(p, asOf);
    if (h) histories.set(c, h);
  }
  const site = siteGapDays([...histories.values()]);
  const rows: ExpectedPrediction[] = [];
  for (const [customer, h] of histories) {
    const gap = gapDays(h, site);
    const pAlive = heuristicPAlive(h, gap);
    // The view's means are Decimal divisions (truncated to 4 places) of these integer amounts.
    const total = Math.round(h.meanDayValue * h.purchaseDays);
    const mean = h.x > 0 ? Math.trunc(Math.round(h.meanRepeatValue * h.x) / h.x) : Math.trunc(total / h.purchaseDays);
    const value = Math.max(0, mean);
    rows.push({
      customer_id: customer,
      history: h,
      p_alive: pAlive,
      expected_purchases_90d: (pAlive * 90) / gap,
      next_purchase_at: (h.lastDay + gap) * DAY,
      predicted_value_365d: Math.trunc(((pAlive * 365) / gap) * value),
      value_score: 0,
    });
  }
  const sorted = [...rows].sort((a, b) => a.predicted_value_365d - b.predicted_value_365d);
  const rank = new Map<ExpectedPrediction, number>();
  sorted.forEach((r, i) => {
    const prev = sorted[i - 1];
    rank.set(r, prev && prev.predicted_value_365d === r.predicted_value_365d ? rank.get(prev)! : i + 1);
  });
  for (const r of rows) r.value_score = 1 + Math.floor((5 * (rank.get(r)! - 1)) / rows.length);
  return new Map(rows.map((r) => [r.customer_id, r]));
}
