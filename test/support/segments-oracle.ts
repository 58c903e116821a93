// The segments oracle: people and every built-in segment's members recomputed in plain TypeScript
// from the distinct events, following docs/SEGMENTS.md, with no ClickHouse in the loop (the
// per-visitor and per-customer figures come from recompute.ts, itself checked against the views).
import type { SpoorEventInput } from '@spoor/events';
import { expectedPredictions, type ExpectedPrediction } from './predictions-oracle.js';
import { expectedCustomers, expectedVisitors, type ExpectedCustomer, type ExpectedVisitor } from './recompute.js';

export interface ExpectedPerson {
  /** `customer_id|visitor_id`, as an export row names the person. */
  key: string;
  customer_id: string;
  /** The most recently seen of their browsers. */
  visitor_id: string;
  browsers: ExpectedVisitor[];
  pageviews: number;
  sessions: number;
  cart_adds: number;
  last_seen: number;
  last_cart_quantity: number;
  last_cart_change_at: number | null;
  last_purchase_at: number | null;
  customer: ExpectedCustomer | undefined;
  /** The customer's prediction (the heuristic: no model is fitted in these tests). */
  prediction: ExpectedPrediction | undefined;
}

export function expectedPeople(events: SpoorEventInput[], bots: Set<string>, today: number): ExpectedPerson[] {
  const visitors = expectedVisitors(events, bots);
  const customers = expectedCustomers(events, today);
  const predictions = expectedPredictions(events, today);
  const groups = new Map<string, ExpectedVisitor[]>();
  for (const v of visitors.values()) {
    if (v.is_bot) continue;
    const id = v.user_id ? `c:${v.user_id}` : `v:${v.visitor_id}`;
    groups.set(id, [...(groups.get(id) ?? []), v]);
  }
  return [...groups.values()].map((browsers) => {
    const customerId = browsers[0]!.user_id;
    const recent = browsers.reduce((a, b) => (b.last_seen > a.last_seen ? b : a));
    const carts = browsers.filter((b) => b.last_cart_change_at !== null);
    const cart = carts.reduce<ExpectedVisitor | undefined>((a, b) => (!a || b.last_cart_change_at! > a.last_cart_change_at! ? b : a), undefined);
    const purchases = browsers.flatMap((b) => (b.last_purchase_at === null ? [] : [b.last_purchase_at]));
    const sum = (f: (b: ExpectedVisitor) => number) => browsers.reduce((n, b) => n + f(b), 0);
    return {
      key: `${customerId}|${recent.visitor_id}`,
      customer_id: customerId,
      visitor_id: recent.visitor_id,
      browsers,
      pageviews: sum((b) => b.pageviews),
      sessions: sum((b) => b.sessions),
      cart_adds: sum((b) => b.cart_adds),
      last_seen: recent.last_seen,
      last_cart_quantity: cart?.last_cart_quantity ?? 0,
      last_cart_change_at: cart?.last_cart_change_at ?? null,
      last_purchase_at: purchases.length ? Math.max(...purchases) : null,
      customer: customers.get(customerId || browsers[0]!.visitor_id),
      prediction: predictions.get(customerId || browsers[0]!.visitor_id),
    };
  });
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface OracleParams {
  now: number;
  window?: number;
  lookback?: number;
}

/** The built-ins' rules, as docs/SEGMENTS.md states them, with their default parameters. */
export function expectedMembers(people: ExpectedPerson[], p: OracleParams): Record<string, Set<string>> {
  const window = p.window ?? HOUR;
  const lookback = p.lookback ?? 30 * DAY;
  const rules: Record<string, (x: ExpectedPerson) => boolean> = {
    cart_abandoners: (x) =>
      x.last_cart_quantity > 0 &&
      x.last_cart_change_at !== null &&
      x.last_cart_change_at < p.now - window &&
      x.last_cart_change_at >= p.now - lookback &&
      !(x.last_purchase_at !== null && x.last_purchase_at >= x.last_cart_change_at),
    champions: (x) => !!x.customer && x.customer.r_score >= 4 && x.customer.f_score >= 4 && x.customer.m_score >= 4,
    loyal_customers: (x) => !!x.customer && x.customer.f_score >= 4 && x.customer.r_score >= 3,
    at_risk: (x) => x.customer?.lifecycle === 'at_risk',
    lapsed_customers: (x) => x.customer?.lifecycle === 'lapsed',
    new_customers: (x) => x.customer?.lifecycle === 'new',
    window_shoppers: (x) => x.pageviews >= 5 && x.cart_adds === 0 && (x.customer?.orders ?? 0) === 0 && x.last_seen >= p.now - 30 * DAY,
    engaged_non_buyers: (x) => x.sessions >= 3 && (x.customer?.orders ?? 0) === 0 && x.last_seen >= p.now - 30 * DAY,
    repeat_buyers: (x) => (x.customer?.orders ?? 0) >= 2,
    high_value: (x) => !!x.customer && x.customer.m_score >= 5,
    likely_to_churn: (x) => !!x.prediction && x.prediction.p_alive < 0.3 && (x.customer?.orders ?? 0) >= 2,
    due_to_reorder: (x) => !!x.prediction && x.prediction.next_purchase_at >= p.now - 14 * DAY && x.prediction.next_purchase_at < p.now + 14 * DAY,
    high_predicted_value: (x) => !!x.prediction && x.prediction.value_score >= 5,
  };
  return Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, new Set(people.filter(rule).map((x) => x.key))]));
}
