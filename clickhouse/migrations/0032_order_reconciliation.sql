-- Reconciliation of the tag with the shop's own books: per site and day, the orders only the
-- browser reported, only the server (a backend, an order webhook, an import), or both, and the
-- tracking loss, the share of the server's orders the tag never saw.
--
-- order_sources keeps, per (site, day, order), which kinds of sender reported the order's purchase
-- and when; an order reported on two days (a browser at 23:59, a webhook at 00:01) has a row for
-- each, and the views take the order's earliest time. Plain min/max states: a purchase sent twice
-- changes nothing, so a retried insert or the backfill below can never count an order twice.
-- Keyed by day like stats_by_day, so `spoor forget` rebuilds the days a person touched.
CREATE TABLE IF NOT EXISTS {{db}}.order_sources {{on_cluster}}
(
    site_id LowCardinality(String),
    day Date COMMENT 'UTC day of the purchase events in this row',
    order_id String,
    placed_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'Earliest time any sender gave for the order that day',
    seen_by_browser SimpleAggregateFunction(max, UInt8) COMMENT '1 when the tag (sender browser) reported the purchase',
    seen_by_server SimpleAggregateFunction(max, UInt8) COMMENT '1 when the shop backend, a webhook or an import reported it',
    revenue SimpleAggregateFunction(max, Decimal(18, 4)) COMMENT 'Highest revenue sent for the order (as daily_stats counts it)'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, order_id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Which senders reported each order (browser, server or both) per site and day, written by order_sources_mv. Query order_reconciliation or daily_stats instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.order_sources_mv {{on_cluster}} TO {{db}}.order_sources AS
SELECT
    site_id,
    toDate(ts) AS day,
    order_id,
    min(ts) AS placed_at,
    max(sender = 'browser') AS seen_by_browser,
    max(sender != 'browser') AS seen_by_server,
    max(revenue) AS revenue
FROM {{db}}.events
WHERE type = 'purchase' AND order_id != '' AND is_bot = 0
GROUP BY site_id, day, order_id;

-- Orders stored before this migration.
INSERT INTO {{db}}.order_sources (site_id, day, order_id, placed_at, seen_by_browser, seen_by_server, revenue)
SELECT site_id, toDate(ts) AS day, order_id, min(ts), max(sender = 'browser'), max(sender != 'browser'), max(revenue)
FROM {{db}}.events
WHERE type = 'purchase' AND order_id != '' AND is_bot = 0
GROUP BY site_id, day, order_id
SETTINGS max_partitions_per_insert_block = 10000;

CREATE VIEW IF NOT EXISTS {{db}}.order_reconciliation {{on_cluster}} AS
SELECT
    site_id,
    toDate(placed_at) AS day,
    count() AS orders,
    countIf(browser AND NOT server) AS orders_browser_only,
    countIf(server AND NOT browser) AS orders_server_only,
    countIf(browser AND server) AS orders_both,
    countIf(server) AS orders_server,
    -- NULL on a day the server reported nothing: without the books there is no loss to measure.
    if(countIf(server) > 0, round(countIf(server AND NOT browser) / countIf(server), 4), NULL) AS tracking_loss,
    sumIf(revenue, server AND NOT browser) AS revenue_server_only
FROM
(
    SELECT site_id, order_id, min(placed_at) AS placed_at, max(seen_by_browser) = 1 AS browser, max(seen_by_server) = 1 AS server, max(revenue) AS revenue
    FROM {{db}}.order_sources
    GROUP BY site_id, order_id
)
GROUP BY site_id, day
COMMENT 'One row per site and UTC day an order was placed (its earliest time from any sender), people only: orders, orders seen by the browser only, by the server only (backend, webhook or import), by both, the server total, tracking_loss = server-only / server orders (NULL when the server reported none that day) and the revenue of the server-only orders.';

CREATE OR REPLACE VIEW {{db}}.daily_stats {{on_cluster}} AS
SELECT
    s.site_id AS site_id,
    s.day AS day,
    s.visitors AS visitors,
    s.sessions AS sessions,
    s.pageviews AS pageviews,
    s.cart_adds AS cart_adds,
    s.checkouts AS checkouts,
    length(s.orders_s.1) AS orders,
    arraySum(s.orders_s.2) - arraySum(s.refunds_s.2) AS revenue,
    if(s.sessions > 0, round(s.converted_sessions / s.sessions, 4), 0) AS conversion_rate,
    r.orders_browser_only AS orders_browser_only,
    r.orders_server_only AS orders_server_only,
    r.orders_both AS orders_both,
    r.tracking_loss AS tracking_loss
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
) AS s
LEFT JOIN {{db}}.order_reconciliation AS r ON r.site_id = s.site_id AND r.day = s.day
COMMENT 'One row per site and UTC day, people only (bots excluded): visitors, sessions, pageviews, cart adds, checkouts, orders (each order id once, on the day it was placed), revenue net of refunds (refunds on the day they happened), conversion rate (sessions with a purchase / sessions), and the reconciliation with the shop books: orders seen by the browser only, the server only, both, and tracking_loss (server-only share of the server orders, NULL without server orders).';
