// The whitelist of person fields a definition may name: their kind (which decides the operators,
// the parameter type and the export format) and where they come from. Nothing else reaches SQL.

export type FieldKind = 'count' | 'number' | 'money' | 'score' | 'string' | 'enum' | 'datetime' | 'bool' | 'list';

/** Which relation a field needs joined into the person rows. */
export type FieldSource = 'activity' | 'transactions' | 'predictions';

export interface FieldSpec {
  kind: FieldKind;
  source: FieldSource;
  description: string;
  /** Allowed values of an `enum` field. */
  values?: readonly string[];
}

export const LIFECYCLES = ['new', 'active', 'at_risk', 'lapsed', 'none'] as const;
export const PREDICTION_METHODS = ['bgnbd', 'heuristic', 'none'] as const;

const activity = (kind: FieldKind, description: string): FieldSpec => ({ kind, source: 'activity', description });
const transactions = (kind: FieldKind, description: string): FieldSpec => ({ kind, source: 'transactions', description });
const predictions = (kind: FieldKind, description: string): FieldSpec => ({ kind, source: 'predictions', description });

export const FIELDS = {
  identified: activity('bool', 'the person has a customer id (identify() or a logged-in event)'),
  browsers: activity('count', 'visitor ids (browsers) of the person'),
  first_seen: activity('datetime', 'first event of any of their browsers'),
  last_seen: activity('datetime', 'latest event of any of their browsers'),
  sessions: activity('count', 'sessions over all their browsers'),
  pageviews: activity('count', 'pageviews over all their browsers'),
  clicks: activity('count', 'clicks over all their browsers'),
  cart_adds: activity('count', 'cart_add events over all their browsers'),
  cart_removes: activity('count', 'cart_remove events over all their browsers'),
  checkouts: activity('count', 'checkout events over all their browsers'),
  last_page: activity('string', 'path of the latest pageview'),
  device_type: activity('string', 'desktop, mobile, tablet or other, of the most recently seen browser'),
  browser: activity('string', 'browser of the most recently seen browser'),
  os: activity('string', 'operating system of the most recently seen browser'),
  first_referrer_domain: activity('string', 'first touch: referring domain of their first pageview (empty = direct)'),
  first_utm_source: activity('string', 'first touch: utm_source'),
  first_utm_medium: activity('string', 'first touch: utm_medium'),
  first_utm_campaign: activity('string', 'first touch: utm_campaign'),
  last_referrer_domain: activity('string', 'last touch: referring domain of the latest visit that came from somewhere'),
  last_utm_source: activity('string', 'last touch: utm_source'),
  last_utm_medium: activity('string', 'last touch: utm_medium'),
  last_utm_campaign: activity('string', 'last touch: utm_campaign'),
  last_cart_id: activity('string', 'cart id after their latest cart change, over all their browsers'),
  last_cart_quantity: activity('count', 'units in the cart after their latest cart change'),
  last_cart_value: activity('money', 'value of the cart after their latest cart change'),
  last_cart_change_at: activity('datetime', 'time of their latest cart change (cart_add, cart_remove, cart_view, checkout)'),
  last_purchase_at: activity('datetime', 'time of their latest purchase event'),
  orders: transactions('count', 'distinct orders (0 for people who never ordered)'),
  revenue: transactions('money', 'revenue net of refunds (0 for people who never ordered)'),
  avg_order_value: transactions('money', 'revenue / orders'),
  items: transactions('count', 'units bought'),
  distinct_products: transactions('count', 'distinct products bought'),
  distinct_categories: transactions('count', 'distinct categories bought'),
  products: transactions('list', 'product ids bought'),
  categories: transactions('list', 'categories bought'),
  first_order_at: transactions('datetime', 'time of the first order'),
  last_order_at: transactions('datetime', 'time of the latest order'),
  mean_days_between_orders: transactions('number', '(last − first order) / (orders − 1), in days'),
  recency_days: transactions('count', 'whole days since the latest order'),
  r_score: transactions('score', 'RFM recency score 1–5 (quintile within the site)'),
  f_score: transactions('score', 'RFM frequency score 1–5'),
  m_score: transactions('score', 'RFM monetary score 1–5'),
  lifecycle: { ...transactions('enum', 'new, active, at_risk, lapsed; none for people who never ordered'), values: LIFECYCLES },
  p_alive: predictions('number', 'chance the customer still buys (customer_predictions, docs/PREDICTIONS.md)'),
  expected_purchases_30d: predictions('number', 'expected purchase days in the next 30 days'),
  expected_purchases_90d: predictions('number', 'expected purchase days in the next 90 days'),
  expected_purchases_365d: predictions('number', 'expected purchase days in the next 365 days'),
  expected_order_value: predictions('money', 'expected value of a future purchase day'),
  predicted_value_365d: predictions('money', 'expected revenue over the next 365 days'),
  next_purchase_at: predictions('datetime', 'when another purchase becomes more likely than not; none when the customer is more likely gone'),
  value_score: predictions('score', 'predicted value quintile 1–5 within the site'),
  prediction_method: {
    ...predictions('enum', 'bgnbd (a fitted model), heuristic (too few repeat buyers); none for people who never ordered'),
    values: PREDICTION_METHODS,
  },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;

export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELDS, name);
}

export function fieldSpec(name: FieldName): FieldSpec {
  return FIELDS[name];
}

export { EVENT_TYPES, type EventType } from '@spoor/events';

/** The closest known name, for "did you mean" hints. */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
