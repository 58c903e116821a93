-- Customer lookups by primary key, RFM thresholds computed ahead (issue 15).
--
-- customer_profiles used to rank every customer of the site on every query (window functions),
-- so even one customer's row cost the whole site's aggregation. Now:
-- - customer_figures: one row per customer who ordered, the figures only. Written as branches
--   whose customer id is a column of the table it reads (identified rows: user_id; anonymous rows
--   of a browser never identified: visitor_id; anonymous rows of a browser identified later: the
--   user it was most recently identified as), so `WHERE customer_id = X` reaches the primary key
--   of customer_transactions instead of aggregating the site. Same values as 0053's inner query.
-- - rfm_thresholds: per site, the four cut values of each dimension, refreshed every 30 seconds by
--   rfm_thresholds_mv from customer_figures. The documented rule is unchanged: score =
--   1 + floor(5 x (rank - 1) / customers), ties sharing the lowest rank. With the site's values
--   sorted (v[1] the lowest), a customer's rank - 1 is the number of customers whose value is
--   strictly lower, and that number reaches ceil((s - 1) x customers / 5) exactly when
--   v[ceil((s - 1) x customers / 5)] is lower than the customer's value; so the score is
--   1 + (how many of the cuts for s = 2..5 lie strictly below the value). Recency ranks the other
--   way round (longest ago = 1), so its cuts come from the values sorted from the highest and
--   count when they lie strictly above; recency is taken on the day the cuts were computed.
--   Scores are exact against the site as of the last refresh: at most 30 seconds (plus the
--   refresh's own time) behind the figures, which are always current.
-- - customer_profiles: the same columns and values as 0053, figures from customer_figures,
--   scores from the latest thresholds of the site.
-- Rows are appended (APPEND) and collapsed per site by ReplacingMergeTree, readers take the
-- latest per site with argMax, so the refresh works the same on a cluster (every node computes
-- the same cuts over the Distributed tables).

CREATE OR REPLACE VIEW {{db}}.customer_figures {{on_cluster}} AS
SELECT
    site_id,
    customer_id,
    groupUniqArray(visitor_id) AS visitor_ids,
    maxMapIfMerge(order_revenue) AS revenue_map,
    minMapIfMerge(order_time) AS time_map,
    maxMapIfMerge(order_units) AS units_map,
    maxMapIfMerge(refunds) AS refund_map,
    groupUniqArrayArrayIfMerge(products) AS products,
    groupUniqArrayArrayIfMerge(categories) AS categories,
    argMaxIfMerge(currency) AS currency,
    length(revenue_map.1) AS orders,
    arraySum(revenue_map.2) - arraySum(refund_map.2) AS revenue,
    arraySum(units_map.2) AS items,
    length(products) AS distinct_products,
    length(categories) AS distinct_categories,
    arrayMin(time_map.2) AS first_order_at,
    arrayMax(time_map.2) AS last_order_at,
    if(orders > 1, round(dateDiff('second', first_order_at, last_order_at) / 86400 / (orders - 1), 2), 0) AS mean_days_between_orders,
    today() AS as_of,
    toUInt32(greatest(0, dateDiff('day', toDate(last_order_at), as_of))) AS recency_days
FROM
(
    SELECT site_id, user_id AS customer_id, visitor_id, order_revenue, order_time, order_units, refunds, products, categories, currency
    FROM {{db}}.customer_transactions
    WHERE user_id != ''
    UNION ALL
    SELECT ct.site_id AS site_id, ct.visitor_id AS customer_id, ct.visitor_id AS visitor_id, ct.order_revenue AS order_revenue,
        ct.order_time AS order_time, ct.order_units AS order_units, ct.refunds AS refunds, ct.products AS products,
        ct.categories AS categories, ct.currency AS currency
    FROM {{db}}.customer_transactions AS ct
    LEFT ANTI JOIN {{db}}.identities AS i ON i.site_id = ct.site_id AND i.visitor_id = ct.visitor_id
    WHERE ct.user_id = ''
    UNION ALL
    SELECT ct.site_id AS site_id, im.customer_id AS customer_id, ct.visitor_id AS visitor_id, ct.order_revenue AS order_revenue,
        ct.order_time AS order_time, ct.order_units AS order_units, ct.refunds AS refunds, ct.products AS products,
        ct.categories AS categories, ct.currency AS currency
    FROM {{db}}.customer_transactions AS ct
    INNER JOIN
    (
        SELECT site_id, visitor_id, argMax(user_id, last_seen) AS customer_id
        FROM {{db}}.identities
        GROUP BY site_id, visitor_id
    ) AS im ON im.site_id = ct.site_id AND im.visitor_id = ct.visitor_id
    WHERE ct.user_id = ''
)
GROUP BY site_id, customer_id
HAVING orders > 0
COMMENT 'Transaction figures per customer who ordered (identified user, else anonymous visitor), without RFM: the part of customer_profiles a single customer is read from by primary key. Query customer_profiles instead.';

CREATE TABLE IF NOT EXISTS {{db}}.rfm_thresholds {{on_cluster}}
(
    site_id LowCardinality(String),
    as_of Date COMMENT 'The day recency was counted to',
    customers UInt64 COMMENT 'Customers of the site who ordered',
    recency_cuts Array(UInt32) COMMENT 'Recency values whose exceeding earns R 2..5 (score = 1 + cuts above the value)',
    orders_cuts Array(UInt64) COMMENT 'Order counts to exceed for F 2..5 (score = 1 + cuts below the value)',
    revenue_cuts Array(Decimal(38, 4)) COMMENT 'Revenues to exceed for M 2..5 (score = 1 + cuts below the value)',
    refreshed_at DateTime64(3, 'UTC') COMMENT 'When rfm_thresholds_mv computed the row'
)
ENGINE = ReplacingMergeTree(refreshed_at)
ORDER BY site_id
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'RFM score cuts per site, appended every 30 s by rfm_thresholds_mv; the latest row of a site (argMax by refreshed_at) is current. Read through customer_profiles.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.rfm_thresholds_mv {{on_cluster}} REFRESH EVERY 30 SECOND APPEND TO {{db}}.rfm_thresholds AS
WITH
    -- Positions ceil((s - 1) x customers / 5) for s = 2..5 (1-based), each dimension sorted once.
    arrayMap(s -> toUInt64(ceil((s - 1) * count() / 5)), [2, 3, 4, 5]) AS positions,
    arraySort(x -> -x, groupArray(recency_days)) AS recency_desc,
    arraySort(groupArray(orders)) AS orders_asc,
    arraySort(groupArray(revenue)) AS revenue_asc
SELECT
    site_id,
    any(as_of) AS as_of,
    count() AS customers,
    arrayMap(k -> toUInt32(recency_desc[k]), positions) AS recency_cuts,
    arrayMap(k -> toUInt64(orders_asc[k]), positions) AS orders_cuts,
    arrayMap(k -> revenue_asc[k], positions) AS revenue_cuts,
    now64(3) AS refreshed_at
FROM {{db}}.customer_figures
GROUP BY site_id
COMMENT 'Recomputes rfm_thresholds from customer_figures every 30 seconds.';

CREATE OR REPLACE VIEW {{db}}.customer_profiles {{on_cluster}} AS
WITH
    -- Every site's latest cuts, once per query (a handful of rows), picked per row: a scalar rather
    -- than a JOIN, so a query joining this view elsewhere (segments) keeps one join inside it.
    (
        SELECT groupArray((site_id, latest.1, latest.2, latest.3, latest.4))
        FROM
        (
            SELECT site_id, argMax((as_of, recency_cuts, orders_cuts, revenue_cuts), refreshed_at) AS latest
            FROM {{db}}.rfm_thresholds
            GROUP BY site_id
        )
    ) AS site_cuts,
    arrayFirst(x -> x.1 = c.site_id, site_cuts) AS r
SELECT
    c.site_id AS site_id,
    c.customer_id AS customer_id,
    c.visitor_ids AS visitor_ids,
    c.orders AS orders,
    c.revenue AS revenue,
    if(c.orders > 0, round(c.revenue / c.orders, 2), 0) AS avg_order_value,
    c.items AS items,
    c.products AS products,
    c.categories AS categories,
    c.distinct_products AS distinct_products,
    c.distinct_categories AS distinct_categories,
    c.first_order_at AS first_order_at,
    c.last_order_at AS last_order_at,
    c.mean_days_between_orders AS mean_days_between_orders,
    c.recency_days AS recency_days,
    toUInt8(1 + arrayCount(x -> toUInt32(greatest(0, dateDiff('day', toDate(c.last_order_at), r.2))) < x, r.3)) AS r_score,
    toUInt8(1 + arrayCount(x -> c.orders > x, r.4)) AS f_score,
    toUInt8(1 + arrayCount(x -> c.revenue > x, r.5)) AS m_score,
    spoor_lifecycle(c.orders, c.recency_days, c.mean_days_between_orders) AS lifecycle,
    t.traits AS traits,
    c.currency AS currency,
    c.as_of AS as_of
FROM {{db}}.customer_figures AS c
LEFT JOIN
(
    SELECT site_id, user_id, argMaxMerge(traits) AS traits
    FROM {{db}}.customer_traits
    GROUP BY site_id, user_id
) AS t ON t.site_id = c.site_id AND t.user_id = c.customer_id
COMMENT 'Transaction profile with RFM, one row per customer who ordered (identified user, else anonymous visitor): orders (each order id once), revenue net of refunds, average order value, units, distinct products and categories, first/last order, mean days between orders, recency, r/f/m scores 1-5 (quintiles per site, from rfm_thresholds: at most 30 s behind), lifecycle new/active/at_risk/lapsed, identify traits.';
