// The person rows every segment is evaluated over: one row per person and site. A person is a
// customer (the customer id of identity_map) with all of their browsers combined, else an
// anonymous visitor. Built from the visitor profiles (visitorRowsSql), joined to customer_profiles,
// customer_predictions, identify() traits and per-person event aggregates only when a segment needs them.
import { Binder, dateTimeParam } from './binder.js';
import type { EventAggregate } from './compile.js';

export interface PeopleNeeds {
  transactions: boolean;
  traits: boolean;
  predictions: boolean;
  events: EventAggregate[];
}

/**
 * One person's customer_predictions row, already read with its figures as text by field name
 * (24_customer_profile.sql's `prediction_fields`), or `row: null` when they have none.
 */
export interface KnownPredictions {
  /** The person key the row belongs to (customer id, else the anonymous visitor id). */
  customer: string;
  row: Readonly<Record<string, string>> | null;
}

export interface PeopleOptions {
  database: string;
  include: { bots: boolean; cookieless: boolean };
  /** Only this site (a request-level filter, pushed down into every scan). */
  site?: string | undefined;
  /**
   * Only the person of these browsers (one customer's 360° view): pushed down into the visitor and
   * event scans and into the customer reads (by the browsers' person keys). The site-wide figures
   * (RFM and value quintiles) are still ranked over the whole site.
   */
  visitors?: readonly string[] | undefined;
  /**
   * With `visitors` and `site`: that person's predictions, bound as values instead of joining
   * customer_predictions, which ranks the whole site (value_score) on every read.
   */
  predictions?: KnownPredictions | undefined;
}

export interface PeopleSql {
  sql: string;
  binds: Record<string, unknown>;
}

/** Columns of the person rows, for readers of the SQL: see fields.ts for their meaning. */
export function peopleSql(needs: PeopleNeeds, opts: PeopleOptions): PeopleSql {
  const db = opts.database;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(db)) throw new Error(`database name ${db} is not a plain identifier`);
  const binder = new Binder('q_p');
  const site = opts.site !== undefined ? binder.bind('String', opts.site) : undefined;
  const visitors = opts.visitors !== undefined ? binder.bind('Array(String)', [...opts.visitors]) : undefined;
  const visitorFilter = [
    opts.include.bots ? '' : 'is_bot = 0',
    opts.include.cookieless ? '' : 'cookieless = 0',
    site ? `site_id = ${site}` : '',
    visitors ? `visitor_id IN ${visitors}` : '',
  ].filter(Boolean);
  // The person keys of those browsers (their customers, or themselves while anonymous), so a 360°
  // view reads its own customer row by primary key instead of every customer of the site.
  const keys = visitors
    ? `(SELECT customer_id FROM ${db}.identity_map WHERE ${site ? `site_id = ${site} AND ` : ''}visitor_id IN ${visitors} UNION ALL SELECT arrayJoin(${visitors}))`
    : undefined;
  const customerFilter = (siteColumn: string, customerColumn: string) => {
    const where = [site ? `${siteColumn} = ${site}` : '', keys ? `${customerColumn} IN ${keys}` : ''].filter(Boolean);
    return where.length ? `WHERE ${where.join(' AND ')}` : '';
  };

  const activity = activitySql(db, visitorFilter);

  const columns = [
    'p.site_id AS site_id',
    'p.customer_id AS customer_id',
    'p.a_visitor_id AS visitor_id',
    "if(p.customer_id != '', concat('c:', p.customer_id), concat('v:', p.anon_id)) AS person",
    "p.customer_id != '' AS identified",
    'p.a_browsers AS browsers',
    'p.a_first_seen AS first_seen',
    'p.a_last_seen AS last_seen',
    'p.a_sessions AS sessions',
    'p.a_pageviews AS pageviews',
    'p.a_clicks AS clicks',
    'p.a_cart_adds AS cart_adds',
    'p.a_cart_removes AS cart_removes',
    'p.a_checkouts AS checkouts',
    'p.a_last_page AS last_page',
    'p.a_device.1 AS device_type',
    'p.a_device.2 AS browser',
    'p.a_device.3 AS os',
    'p.a_first_touch.1 AS first_referrer_domain',
    'p.a_first_touch.2 AS first_utm_source',
    'p.a_first_touch.3 AS first_utm_medium',
    'p.a_first_touch.4 AS first_utm_campaign',
    'p.a_last_touch.1 AS last_referrer_domain',
    'p.a_last_touch.2 AS last_utm_source',
    'p.a_last_touch.3 AS last_utm_medium',
    'p.a_last_touch.4 AS last_utm_campaign',
    'p.a_cart.1 AS last_cart_id',
    'p.a_cart.2 AS last_cart_quantity',
    'p.a_cart.3 AS last_cart_value',
    'p.a_last_cart_change_at AS last_cart_change_at',
    'p.a_last_purchase_at AS last_purchase_at',
  ];
  const joins: string[] = [];

  if (needs.transactions) {
    // customer_profiles holds people who ordered; everyone else has 0 orders and no scores.
    const when = (expr: string, otherwise: string) => `if(c.c_matched = 1, ${expr}, ${otherwise})`;
    columns.push(
      'c.c_matched = 1 AS has_orders',
      when('c.c_orders', '0') + ' AS orders',
      when('c.c_revenue', 'toDecimal128(0, 4)') + ' AS revenue',
      when('c.c_avg_order_value', 'NULL') + ' AS avg_order_value',
      when('c.c_items', '0') + ' AS items',
      when('c.c_distinct_products', '0') + ' AS distinct_products',
      when('c.c_distinct_categories', '0') + ' AS distinct_categories',
      'c.c_products AS products',
      'c.c_categories AS categories',
      when('c.c_first_order_at', 'NULL') + ' AS first_order_at',
      when('c.c_last_order_at', 'NULL') + ' AS last_order_at',
      when('c.c_mean_days_between_orders', 'NULL') + ' AS mean_days_between_orders',
      when('c.c_recency_days', 'NULL') + ' AS recency_days',
      when('c.c_r_score', 'NULL') + ' AS r_score',
      when('c.c_f_score', 'NULL') + ' AS f_score',
      when('c.c_m_score', 'NULL') + ' AS m_score',
      when('c.c_lifecycle', "'none'") + ' AS lifecycle',
    );
    joins.push(`
    LEFT JOIN
    (
      SELECT site_id AS c_site_id, customer_id AS c_customer_id, toUInt8(1) AS c_matched,
        orders AS c_orders, revenue AS c_revenue, avg_order_value AS c_avg_order_value, items AS c_items,
        distinct_products AS c_distinct_products, distinct_categories AS c_distinct_categories,
        products AS c_products, categories AS c_categories,
        first_order_at AS c_first_order_at, last_order_at AS c_last_order_at,
        mean_days_between_orders AS c_mean_days_between_orders, recency_days AS c_recency_days,
        r_score AS c_r_score, f_score AS c_f_score, m_score AS c_m_score, lifecycle AS c_lifecycle
      FROM ${db}.customer_profiles
      ${customerFilter('site_id', 'customer_id')}
    ) AS c ON c.c_site_id = p.site_id AND c.c_customer_id = p.customer_key`);
  }

  if (needs.predictions) {
    // customer_predictions holds customers who ordered, keyed like customer_profiles. Never narrowed
    // to one person: value_score is a rank over the whole site.
    const when = (expr: string) => `if(pr.pr_matched = 1, ${expr}, NULL)`;
    columns.push(
      when('pr.pr_p_alive') + ' AS p_alive',
      when('pr.pr_expected_purchases_30d') + ' AS expected_purchases_30d',
      when('pr.pr_expected_purchases_90d') + ' AS expected_purchases_90d',
      when('pr.pr_expected_purchases_365d') + ' AS expected_purchases_365d',
      when('pr.pr_expected_order_value') + ' AS expected_order_value',
      when('pr.pr_predicted_value_365d') + ' AS predicted_value_365d',
      when('pr.pr_next_purchase_at') + ' AS next_purchase_at',
      when('pr.pr_value_score') + ' AS value_score',
      "if(pr.pr_matched = 1, pr.pr_method, 'none') AS prediction_method",
    );
    joins.push(
      opts.predictions
        ? knownPredictions(binder, opts.predictions, site, visitors)
        : `
    LEFT JOIN
    (
      SELECT site_id AS pr_site_id, customer_id AS pr_customer_id, toUInt8(1) AS pr_matched,
        p_alive AS pr_p_alive, expected_purchases_30d AS pr_expected_purchases_30d,
        expected_purchases_90d AS pr_expected_purchases_90d, expected_purchases_365d AS pr_expected_purchases_365d,
        expected_order_value AS pr_expected_order_value, predicted_value_365d AS pr_predicted_value_365d,
        next_purchase_at AS pr_next_purchase_at, value_score AS pr_value_score, method AS pr_method
      FROM ${db}.customer_predictions
      ${site ? `WHERE site_id = ${site}` : ''}
    ) AS pr ON pr.pr_site_id = p.site_id AND pr.pr_customer_id = p.customer_key`,
    );
  }

  if (needs.traits) {
    columns.push('t.t_traits AS t_traits');
    joins.push(`
    LEFT JOIN
    (
      SELECT site_id AS t_site_id, user_id AS t_user_id, argMaxMerge(traits) AS t_traits
      FROM ${db}.customer_traits
      ${customerFilter('site_id', 'user_id')}
      GROUP BY site_id, user_id
    ) AS t ON t.t_site_id = p.site_id AND t.t_user_id = p.customer_id`);
  }

  if (needs.events.length > 0) {
    for (const agg of needs.events) columns.push(`e.${agg.column} AS ${agg.column}`);
    const types = [...new Set(needs.events.flatMap((a) => a.types))];
    const unbounded = needs.events.some((a) => a.from === undefined);
    const from = unbounded ? undefined : Math.min(...needs.events.map((a) => a.from!));
    const eventFilter = [
      `e.type IN ${binder.bind('Array(String)', types)}`,
      from !== undefined ? `e.ts >= ${binder.bind("DateTime64(3, 'UTC')", dateTimeParam(from))}` : '',
      opts.include.bots ? '' : 'e.is_bot = 0',
      opts.include.cookieless ? '' : 'e.cookieless = 0',
      site ? `e.site_id = ${site}` : '',
      visitors ? `e.visitor_id IN ${visitors}` : '',
    ].filter(Boolean);
    // The same person key as the activity rows: the visitor's customer id, else the visitor.
    joins.push(`
    LEFT JOIN
    (
      SELECT
        e.site_id AS e_site_id,
        ifNull(im.customer_id, '') AS e_customer_id,
        if(ifNull(im.customer_id, '') = '', e.visitor_id, '') AS e_anon_id,
        ${needs.events.map((a) => `${a.expr} AS ${a.column}`).join(',\n        ')}
      FROM ${db}.events AS e
      LEFT JOIN ${db}.identity_map AS im ON im.site_id = e.site_id AND im.visitor_id = e.visitor_id
      WHERE ${eventFilter.join(' AND ')}
      GROUP BY e_site_id, e_customer_id, e_anon_id
    ) AS e ON e.e_site_id = p.site_id AND e.e_customer_id = p.customer_id AND e.e_anon_id = p.anon_id`);
  }

  const sql = `SELECT
      ${columns.join(',\n      ')}
    FROM
    (${activity}
    ) AS p${joins.join('')}`;
  return { sql, binds: binder.values };
}

/**
 * One row per person of the visitor profiles (`filter`: conditions on them). Per person: sums of
 * the browsers' counts; device and last page of the most recently seen browser; first touch of the
 * first seen; the cart of the latest cart change across browsers. An anonymous visitor is a person
 * of one browser, so their row is their profile's, as the aggregates over one row would give it
 * (an argMaxIf whose condition fails gives the type's default), and only identified browsers are
 * grouped: a shop's visitors are mostly anonymous, and grouping them all by a visitor id key was
 * most of the cost of the person rows.
 */
export function activitySql(db: string, filter: readonly string[]): string {
  // [column, aggregate over the person's browsers, the same for an anonymous visitor's one browser]
  const figures: Array<[string, string, string]> = [
    ['a_visitor_id', 'argMax(visitor_id, last_seen)', 'visitor_id'],
    ['a_browsers', 'count()', 'toUInt64(1)'],
    ['a_first_seen', 'min(first_seen)', 'first_seen'],
    ['a_last_seen', 'max(last_seen)', 'last_seen'],
    ...['sessions', 'pageviews', 'clicks', 'cart_adds', 'cart_removes', 'checkouts'].map((c): [string, string, string] => [`a_${c}`, `sum(${c})`, c]),
    ['a_last_page', "argMaxIf(last_page, last_seen, last_page != '')", 'last_page'],
    ['a_device', 'argMax((device_type, browser, os), last_seen)', '(device_type, browser, os)'],
    [
      'a_first_touch',
      'argMin((first_referrer_domain, first_utm_source, first_utm_medium, first_utm_campaign), first_seen)',
      '(first_referrer_domain, first_utm_source, first_utm_medium, first_utm_campaign)',
    ],
    [
      'a_last_touch',
      "argMaxIf((last_referrer_domain, last_utm_source, last_utm_medium, last_utm_campaign), last_seen, last_referrer_domain != '' OR last_utm_source != '')",
      "if(last_referrer_domain != '' OR last_utm_source != '', (last_referrer_domain, last_utm_source, last_utm_medium, last_utm_campaign), ('', '', '', ''))",
    ],
    [
      'a_cart',
      'argMaxIf((last_cart_id, last_cart_quantity, last_cart_value), last_cart_change_at, last_cart_change_at IS NOT NULL)',
      "if(last_cart_change_at IS NOT NULL, (last_cart_id, last_cart_quantity, last_cart_value), ('', toUInt32(0), toDecimal64(0, 4)))",
    ],
    ['a_last_cart_change_at', 'max(last_cart_change_at)', 'last_cart_change_at'],
    ['a_last_purchase_at', 'max(last_purchase_at)', 'last_purchase_at'],
  ];
  const where = (cond: string) => `WHERE ${[...filter, cond].join(' AND ')}`;
  const list = (i: 1 | 2) => figures.map((f) => `${f[i]} AS ${f[0]}`).join(',\n      ');
  return `
    SELECT site_id, user_id AS customer_id, visitor_id AS anon_id, visitor_id AS customer_key,
      ${list(2)}
    FROM ${visitorRowsSql(db)}
    ${where("user_id = ''")}
    UNION ALL
    SELECT site_id, user_id AS customer_id, '' AS anon_id, user_id AS customer_key,
      ${list(1)}
    FROM ${visitorRowsSql(db)}
    ${where("user_id != ''")}
    GROUP BY site_id, customer_id`;
}

/**
 * visitor_profiles' columns that person rows read, with the same names, types and values, finalised
 * from visitor_activity with FINAL instead of the view's GROUP BY: the engine merges each
 * visitor's rows in key order instead of hashing every visitor id, about half the work on a
 * million visitors. Filters on other columns than the key (is_bot) apply after the merge.
 */
export function visitorRowsSql(db: string): string {
  return `(
      SELECT site_id, visitor_id, finalizeAggregation(user_id) AS user_id, first_seen, last_seen,
        finalizeAggregation(sessions) AS sessions, finalizeAggregation(pageviews) AS pageviews,
        finalizeAggregation(clicks) AS clicks, finalizeAggregation(cart_adds) AS cart_adds,
        finalizeAggregation(cart_removes) AS cart_removes, finalizeAggregation(checkouts) AS checkouts,
        finalizeAggregation(last_page) AS last_page,
        finalizeAggregation(device) AS device_s, device_s.1 AS device_type, device_s.2 AS browser, device_s.3 AS os,
        finalizeAggregation(first_touch) AS first_touch_s, first_touch_s.1 AS first_referrer_domain,
        first_touch_s.2 AS first_utm_source, first_touch_s.3 AS first_utm_medium, first_touch_s.4 AS first_utm_campaign,
        finalizeAggregation(last_touch) AS last_touch_s, last_touch_s.1 AS last_referrer_domain,
        last_touch_s.2 AS last_utm_source, last_touch_s.3 AS last_utm_medium, last_touch_s.4 AS last_utm_campaign,
        finalizeAggregation(last_cart) AS last_cart_s, last_cart_s.1 AS last_cart_id,
        last_cart_s.2 AS last_cart_quantity, last_cart_s.3 AS last_cart_value,
        nullIf(finalizeAggregation(last_cart_change_at), toDateTime64(0, 3, 'UTC')) AS last_cart_change_at,
        nullIf(finalizeAggregation(last_purchase_at), toDateTime64(0, 3, 'UTC')) AS last_purchase_at,
        is_bot, cookieless
      FROM ${db}.visitor_activity FINAL
    )`;
}

/** The one-row stand-in for customer_predictions: the same columns, types and join as the view's. */
function knownPredictions(binder: Binder, known: KnownPredictions, site: string | undefined, visitors: string | undefined): string {
  if (!site || !visitors) throw new Error('known predictions need the site and the person of their browsers');
  const f = known.row ?? {};
  const text = (key: string) => binder.bind('String', f[key] ?? '');
  const next = f.next_purchase_at ?? '';
  return `
    LEFT JOIN
    (
      SELECT ${site} AS pr_site_id, ${binder.bind('String', known.customer)} AS pr_customer_id, toUInt8(${known.row ? 1 : 0}) AS pr_matched,
        toFloat64OrZero(${text('p_alive')}) AS pr_p_alive, toFloat64OrZero(${text('expected_purchases_30d')}) AS pr_expected_purchases_30d,
        toFloat64OrZero(${text('expected_purchases_90d')}) AS pr_expected_purchases_90d,
        toFloat64OrZero(${text('expected_purchases_365d')}) AS pr_expected_purchases_365d,
        toDecimal64OrZero(${text('expected_order_value')}, 4) AS pr_expected_order_value,
        toDecimal64OrZero(${text('predicted_value_365d')}, 4) AS pr_predicted_value_365d,
        if(${binder.bind('UInt8', next === '' ? 0 : 1)} = 1, toDateTime64(${binder.bind('String', next === '' ? '1970-01-01 00:00:00.000' : next)}, 3, 'UTC'), NULL)
          AS pr_next_purchase_at,
        toUInt8OrZero(${text('value_score')}) AS pr_value_score, ${text('prediction_method')} AS pr_method
    ) AS pr ON pr.pr_site_id = p.site_id AND pr.pr_customer_id = p.customer_key`;
}
