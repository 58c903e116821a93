// The built-in segments, written in the same definition format a marketer uses for their own
// (docs/SEGMENTS.md explains each rule), and validated by the same parser when loaded.
import { parseDefinition, type SegmentDefinition } from './definition.js';

const lookback30 = { lookback: { type: 'duration', default: '30d', description: 'only people seen within this time' } };

export const BUILTIN_DATA: readonly Record<string, unknown>[] = [
  {
    name: 'cart_abandoners',
    description:
      'Left items in their cart: the latest cart change (across sessions and browsers) held items, nothing was bought since, and it is older than the window but within the look-back.',
    params: {
      window: { type: 'duration', default: '1h', description: 'how long a cart must sit untouched' },
      lookback: { type: 'duration', default: '30d', description: 'ignore carts left longer ago than this' },
    },
    where: {
      all: [
        { field: 'last_cart_quantity', gt: 0 },
        { field: 'last_cart_change_at', older_than: { param: 'window' }, within: { param: 'lookback' } },
        { absent: 'purchase', since: 'last_cart_change_at' },
      ],
    },
    columns: ['last_cart_id', 'last_cart_quantity', 'last_cart_value', 'last_cart_change_at', 'last_purchase_at'],
  },
  {
    name: 'champions',
    description: 'Bought recently, often and for a lot: R, F and M scores all at least 4.',
    params: { min_score: { type: 'integer', default: 4, description: 'lowest R, F and M score' } },
    where: {
      all: [
        { field: 'r_score', gte: { param: 'min_score' } },
        { field: 'f_score', gte: { param: 'min_score' } },
        { field: 'm_score', gte: { param: 'min_score' } },
      ],
    },
    columns: ['orders', 'revenue', 'last_order_at', 'r_score', 'f_score', 'm_score'],
  },
  {
    name: 'loyal_customers',
    description: 'Buy often and not long ago: F score at least 4 and R score at least 3.',
    params: {
      min_f_score: { type: 'integer', default: 4, description: 'lowest frequency score' },
      min_r_score: { type: 'integer', default: 3, description: 'lowest recency score' },
    },
    where: {
      all: [
        { field: 'f_score', gte: { param: 'min_f_score' } },
        { field: 'r_score', gte: { param: 'min_r_score' } },
      ],
    },
    columns: ['orders', 'revenue', 'last_order_at', 'r_score', 'f_score', 'm_score'],
  },
  {
    name: 'at_risk',
    description: 'Customers slipping away: lifecycle at_risk (a one-order customer 31–90 days ago, or a repeat customer beyond 1.5× their usual gap).',
    where: { field: 'lifecycle', eq: 'at_risk' },
    columns: ['orders', 'revenue', 'last_order_at', 'recency_days', 'mean_days_between_orders'],
  },
  {
    name: 'lapsed_customers',
    description: 'Customers who have stopped buying: lifecycle lapsed (one order more than 90 days ago, or a repeat customer beyond 3× their usual gap).',
    where: { field: 'lifecycle', eq: 'lapsed' },
    columns: ['orders', 'revenue', 'last_order_at', 'recency_days', 'mean_days_between_orders'],
  },
  {
    name: 'new_customers',
    description: 'First order within the last 30 days and no second one yet: lifecycle new.',
    where: { field: 'lifecycle', eq: 'new' },
    columns: ['orders', 'revenue', 'first_order_at'],
  },
  {
    name: 'window_shoppers',
    description: 'Many pageviews, never a cart: at least 5 pageviews, no cart_add and no order, seen within the look-back.',
    params: { min_pageviews: { type: 'integer', default: 5, description: 'fewest pageviews' }, ...lookback30 },
    where: {
      all: [
        { field: 'pageviews', gte: { param: 'min_pageviews' } },
        { field: 'cart_adds', eq: 0 },
        { field: 'orders', eq: 0 },
        { field: 'last_seen', within: { param: 'lookback' } },
      ],
    },
    columns: ['pageviews', 'sessions', 'last_seen', 'last_page'],
  },
  {
    name: 'engaged_non_buyers',
    description: 'Keep coming back but never bought: at least 3 sessions, no order, seen within the look-back.',
    params: { min_sessions: { type: 'integer', default: 3, description: 'fewest sessions' }, ...lookback30 },
    where: {
      all: [
        { field: 'sessions', gte: { param: 'min_sessions' } },
        { field: 'orders', eq: 0 },
        { field: 'last_seen', within: { param: 'lookback' } },
      ],
    },
    columns: ['sessions', 'pageviews', 'cart_adds', 'last_seen'],
  },
  {
    name: 'repeat_buyers',
    description: 'Ordered more than once: at least 2 distinct orders.',
    params: { min_orders: { type: 'integer', default: 2, description: 'fewest orders' } },
    where: { field: 'orders', gte: { param: 'min_orders' } },
    columns: ['orders', 'revenue', 'avg_order_value', 'first_order_at', 'last_order_at'],
  },
  {
    name: 'high_value',
    description: 'The top fifth by revenue net of refunds: M score 5.',
    params: { min_m_score: { type: 'integer', default: 5, description: 'lowest monetary score' } },
    where: { field: 'm_score', gte: { param: 'min_m_score' } },
    columns: ['revenue', 'orders', 'avg_order_value', 'last_order_at', 'm_score'],
  },
  // From the purchase models (customer_predictions, docs/PREDICTIONS.md).
  {
    name: 'likely_to_churn',
    description:
      'Repeat customers who have probably stopped buying: the chance they are still a customer (p_alive) below the threshold, with at least 2 orders.',
    params: {
      max_p_alive: { type: 'number', default: 0.3, description: 'highest chance of still being a customer' },
      min_orders: { type: 'integer', default: 2, description: 'fewest orders' },
    },
    where: {
      all: [
        { field: 'p_alive', lt: { param: 'max_p_alive' } },
        { field: 'orders', gte: { param: 'min_orders' } },
      ],
    },
    columns: ['p_alive', 'orders', 'last_order_at', 'expected_purchases_90d', 'predicted_value_365d', 'prediction_method'],
  },
  {
    name: 'due_to_reorder',
    description:
      'Customers whose next purchase is expected within the window, or was due less than a window ago: next_purchase_at between now − window and now + window.',
    params: { window: { type: 'duration', default: '14d', description: 'how soon (or how recently) the next purchase is due' } },
    where: { field: 'next_purchase_at', within: { param: 'window' }, within_next: { param: 'window' } },
    columns: ['next_purchase_at', 'p_alive', 'orders', 'last_order_at', 'expected_purchases_30d', 'prediction_method'],
  },
  {
    name: 'high_predicted_value',
    description: 'The top fifth by predicted value over the next 365 days (expected purchases × expected order value): value score 5.',
    params: { min_value_score: { type: 'integer', default: 5, description: 'lowest predicted-value quintile' } },
    where: { field: 'value_score', gte: { param: 'min_value_score' } },
    columns: ['predicted_value_365d', 'expected_purchases_365d', 'expected_order_value', 'p_alive', 'orders', 'value_score', 'prediction_method'],
  },
];

export const BUILTINS: readonly SegmentDefinition[] = BUILTIN_DATA.map((d) => parseDefinition(d, { source: 'built-in' }));
