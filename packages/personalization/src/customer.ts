// Customers' transaction figures by primary key, many in one query: the figures customer_profiles
// gives (docs/SCHEMA.md), computed from those customers' rows of customer_transactions only instead
// of the whole site's. A customer's rows are those sent with their user id, plus the anonymous rows
// of browsers identity_map gives them, read for the browsers identities links to them. The
// lifecycle is spoor_lifecycle, the function customer_profiles uses. RFM scores need the whole
// site and come from rfm.ts.
import { all, type Lookup, type LookupRows } from './lookups.js';

export interface CustomerFigures {
  orders: number;
  /** Decimal text, net of refunds. */
  revenue: string;
  /** Revenue as a number, to compare with the site's RFM levels (numbers too). */
  revenueValue: number;
  avgOrderValue: string;
  items: number;
  products: string[];
  categories: string[];
  visitorIds: string[];
  firstOrderAt: string;
  lastOrderAt: string;
  meanDaysBetweenOrders: number;
  recencyDays: number;
  lifecycle: 'new' | 'active' | 'at_risk' | 'lapsed';
  currency: string;
  asOf: string;
}

/**
 * Many customers' figures (parameters `site`, `users`), each row carrying its user id as `id`:
 * their own rows of customer_transactions, and the anonymous rows of the browsers identity_map
 * gives them (docs/SCHEMA.md, "Who is a person"). `summary`: what /v1/me shows only.
 */
export function customersLookup(d: string, opts: { summary: boolean }): Lookup {
  const browsers = `SELECT visitor_id FROM ${d}.identities WHERE site_id = {site:String} AND user_id IN {users:Array(String)}`;
  const states = opts.summary ? 'order_revenue, order_time, products' : STATE_COLUMNS;
  return {
    name: 'customer',
    sql: `SELECT customer AS id, ${customerColumns(opts.summary)}
      FROM (
        SELECT user_id AS customer, ${states} FROM ${d}.customer_transactions
        WHERE site_id = {site:String} AND user_id IN {users:Array(String)}
        UNION ALL
        SELECT im.customer_id AS customer, ${prefixed(states, 'ct')} FROM ${d}.customer_transactions AS ct
        INNER JOIN (
          SELECT visitor_id, customer_id FROM ${d}.identity_map
          WHERE site_id = {site:String} AND customer_id IN {users:Array(String)} AND visitor_id IN (${browsers})
        ) AS im ON im.visitor_id = ct.visitor_id
        WHERE ct.site_id = {site:String} AND ct.user_id = '' AND ct.visitor_id IN (${browsers}))
      GROUP BY customer`,
  };
}

/** The figures of anonymous shoppers (parameter `anonymous`: their browsers), each row carrying its browser as `id`. */
export function anonymousCustomersLookup(d: string): Lookup {
  return {
    name: 'anonymous_customer',
    sql: `SELECT visitor_id AS id, ${customerColumns(false)} FROM ${d}.customer_transactions
      WHERE site_id = {site:String} AND user_id = '' AND visitor_id IN {anonymous:Array(String)}
      GROUP BY visitor_id`,
  };
}

/** The states the full figures merge. */
const STATE_COLUMNS = 'order_revenue, order_time, order_units, refunds, products, categories, visitor_id, currency';
const prefixed = (columns: string, table: string) =>
  columns
    .split(', ')
    .map((c) => `${table}.${c} AS ${c}`)
    .join(', ');

/**
 * The figures over a customer's rows of customer_transactions; `summary`: only what /v1/me shows
 * (orders, lifecycle, and what was bought), which needs a few of the states only.
 */
function customerColumns(summary: boolean): string {
  return `maxMapIfMerge(order_revenue) AS revenue_map,
        minMapIfMerge(order_time) AS time_map,
        length(revenue_map.1) AS orders,
        groupUniqArrayArrayIfMerge(products) AS products,
        if(orders > 0, arrayMin(time_map.2), toDateTime64(0, 3, 'UTC')) AS first_at,
        if(orders > 0, arrayMax(time_map.2), toDateTime64(0, 3, 'UTC')) AS last_at,
        if(orders > 1, round(dateDiff('second', first_at, last_at) / 86400 / (orders - 1), 2), 0) AS mean_days_between_orders,
        today() AS as_of_day,
        toUInt32(greatest(0, dateDiff('day', toDate(last_at), as_of_day))) AS recency_days,
        spoor_lifecycle(orders, recency_days, mean_days_between_orders) AS lifecycle${
          summary
            ? ''
            : `,
        maxMapIfMerge(order_units) AS units_map,
        maxMapIfMerge(refunds) AS refund_map,
        arraySum(revenue_map.2) - arraySum(refund_map.2) AS revenue_d,
        toString(revenue_d) AS revenue,
        toFloat64(revenue_d) AS revenue_value,
        toString(if(orders > 0, round(revenue_d / orders, 2), 0)) AS avg_order_value,
        arraySum(units_map.2) AS items,
        groupUniqArrayArrayIfMerge(categories) AS categories,
        groupUniqArray(visitor_id) AS visitor_ids,
        toString(first_at) AS first_order_at,
        toString(last_at) AS last_order_at,
        toString(as_of_day) AS as_of,
        argMaxIfMerge(currency) AS order_currency`
        }`;
}

export interface CustomerSummary {
  orders: number;
  lifecycle: CustomerFigures['lifecycle'];
  products: string[];
}

/** What customersLookup read with `summary`, by user id; no entry for someone who never ordered. */
export function customerSummaries(rows: LookupRows): Map<string, CustomerSummary> {
  const out = new Map<string, CustomerSummary>();
  for (const row of all<Pick<CustomerRow, 'orders' | 'lifecycle' | 'products'> & { id: string }>(rows, 'customer')) {
    if (Number(row.orders) > 0) out.set(row.id, { orders: Number(row.orders), lifecycle: row.lifecycle, products: row.products });
  }
  return out;
}

interface CustomerRow {
  orders: number;
  revenue: string;
  revenue_value: number;
  avg_order_value: string;
  items: number;
  products: string[];
  categories: string[];
  visitor_ids: string[];
  first_order_at: string;
  last_order_at: string;
  mean_days_between_orders: number;
  recency_days: number;
  lifecycle: CustomerFigures['lifecycle'];
  order_currency: string;
  as_of: string;
}

/** The figures a branch read, by its `id`; no entry for someone who never ordered (customer_profiles has none either). */
export function customerFigures(rows: LookupRows, branch: 'customer' | 'anonymous_customer'): Map<string, CustomerFigures> {
  const out = new Map<string, CustomerFigures>();
  for (const row of all<CustomerRow & { id: string }>(rows, branch)) {
    if (Number(row.orders) === 0) continue;
    out.set(row.id, {
      orders: Number(row.orders),
      revenue: row.revenue,
      revenueValue: Number(row.revenue_value),
      avgOrderValue: row.avg_order_value,
      items: Number(row.items),
      products: row.products,
      categories: row.categories,
      visitorIds: [...row.visitor_ids].sort(),
      firstOrderAt: row.first_order_at,
      lastOrderAt: row.last_order_at,
      meanDaysBetweenOrders: Number(row.mean_days_between_orders),
      recencyDays: Number(row.recency_days),
      lifecycle: row.lifecycle,
      currency: row.order_currency,
      asOf: row.as_of,
    });
  }
  return out;
}

/**
 * Parameters: `site`, `users` (each row carries its user as `id`), and `keys` unless every trait
 * is wanted. Only the keys asked for leave the engine: the page's answer never even reads a trait
 * the site does not expose.
 */
export function traitsLookup(d: string, opts: { all: boolean }): Lookup {
  const pick = opts.all ? 't' : 'mapFilter((k, v) -> has({keys:Array(String)}, k), t)';
  return {
    name: 'traits',
    sql: `SELECT id, ${pick} AS traits FROM (
        SELECT user_id AS id, argMaxMerge(traits) AS t FROM ${d}.customer_traits
        WHERE site_id = {site:String} AND user_id IN {users:Array(String)} GROUP BY user_id)`,
  };
}

export function customerTraits(rows: LookupRows, user: string): Record<string, string> {
  return all<{ id: string; traits: Record<string, string> }>(rows, 'traits').find((r) => r.id === user)?.traits ?? {};
}

/** Parameters: `site`, `users`. */
export function userForgottenLookup(d: string): Lookup {
  return {
    name: 'gone_user',
    sql: `SELECT DISTINCT id FROM ${d}.forgotten WHERE site_id IN ('', {site:String}) AND kind = 'user' AND id IN {users:Array(String)}`,
  };
}

/** The users of userForgottenLookup's answer that were erased. */
export function forgottenUsers(rows: LookupRows): Set<string> {
  return new Set(all<{ id: string }>(rows, 'gone_user').map((r) => r.id));
}
