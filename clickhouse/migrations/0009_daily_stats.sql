-- Site traffic and sales per UTC day, people only (is_bot = 0). stats_by_day holds the states;
-- daily_stats finalises them, so analysts never write -Merge.
CREATE TABLE IF NOT EXISTS {{db}}.stats_by_day {{on_cluster}}
(
    site_id LowCardinality(String),
    day Date,
    visitors AggregateFunction(uniqExact, String),
    sessions AggregateFunction(uniqExactIf, String, UInt8),
    pageviews AggregateFunction(uniqExactIf, UUID, UInt8),
    cart_adds AggregateFunction(uniqExactIf, UUID, UInt8),
    checkouts AggregateFunction(uniqExactIf, UUID, UInt8),
    orders AggregateFunction(maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    refunds AggregateFunction(maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    converted_sessions AggregateFunction(uniqExactIf, String, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Aggregate states per site and day, written by stats_by_day_mv. Query daily_stats instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.stats_by_day_mv {{on_cluster}} TO {{db}}.stats_by_day AS
SELECT
    site_id,
    toDate(ts) AS day,
    uniqExactState(visitor_id) AS visitors,
    uniqExactIfState(session_id, session_id != '') AS sessions,
    uniqExactIfState(event_id, type = 'pageview') AS pageviews,
    uniqExactIfState(event_id, type = 'cart_add') AS cart_adds,
    uniqExactIfState(event_id, type = 'checkout') AS checkouts,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS orders,
    maxMapIfState([event_id], [revenue], type = 'refund') AS refunds,
    uniqExactIfState(session_id, type = 'purchase' AND session_id != '') AS converted_sessions
FROM {{db}}.events
WHERE is_bot = 0
GROUP BY site_id, day;

CREATE VIEW IF NOT EXISTS {{db}}.daily_stats {{on_cluster}} AS
SELECT
    site_id,
    day,
    visitors,
    sessions,
    pageviews,
    cart_adds,
    checkouts,
    length(orders_s.1) AS orders,
    arraySum(orders_s.2) - arraySum(refunds_s.2) AS revenue,
    if(sessions > 0, round(converted_sessions / sessions, 4), 0) AS conversion_rate
FROM
(
    SELECT
        site_id,
        day,
        uniqExactMerge(visitors) AS visitors,
        uniqExactIfMerge(sessions) AS sessions,
        uniqExactIfMerge(pageviews) AS pageviews,
        uniqExactIfMerge(cart_adds) AS cart_adds,
        uniqExactIfMerge(checkouts) AS checkouts,
        maxMapIfMerge(orders) AS orders_s,
        maxMapIfMerge(refunds) AS refunds_s,
        uniqExactIfMerge(converted_sessions) AS converted_sessions
    FROM {{db}}.stats_by_day
    GROUP BY site_id, day
)
COMMENT 'One row per site and UTC day, people only (bots excluded): visitors, sessions, pageviews, cart adds, checkouts, orders (each order id once, on the day it was placed), revenue net of refunds (refunds on the day they happened), conversion rate (sessions with a purchase / sessions).';
