-- The product catalogue as shoppers met it: one row per product id, kept by products_mv from the
-- items of product views (`view_item`), cart changes and orders. The recommender reads names,
-- categories and prices here, and ranks popular products by the orders and sessions counted here.
--
-- Counts are uniqExact states of order ids and session ids, so an order or a view that reaches
-- ClickHouse twice (a resend after the dedup window, the browser and the shop backend both
-- reporting an order) counts once. Bots count for nothing (a crawler visits every product and would
-- make everything look equally popular), though what they saw still names the products.
CREATE TABLE IF NOT EXISTS {{db}}.products {{on_cluster}}
(
    site_id LowCardinality(String),
    product_id String,
    name AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    category AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    price AggregateFunction(argMax, Decimal(18, 4), DateTime64(3, 'UTC')),
    currency AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    repurchase AggregateFunction(argMaxIf, UInt8, DateTime64(3, 'UTC'), UInt8),
    orders AggregateFunction(uniqExactIf, String, UInt8),
    sessions AggregateFunction(uniqExactIf, String, UInt8),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, product_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per product, written by products_mv from viewed, carted and ordered items. Query product_stats instead.';

-- One row per item: the item of a view_item / cart_add / cart_remove, or each line of an order.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.products_mv {{on_cluster}} TO {{db}}.products AS
SELECT
    site_id,
    line_id AS product_id,
    argMaxIfState(line_name, ts, line_name != '') AS name,
    argMaxIfState(line_category, ts, line_category != '') AS category,
    argMaxState(line_price, ts) AS price,
    argMaxIfState(line_currency, ts, line_currency != '') AS currency,
    -- A product is a consumable (recommended again to its buyers) when an event about it says so in
    -- props.repurchase; the latest event that says anything wins.
    argMaxIfState(line_repurchase, ts, line_says_repurchase) AS repurchase,
    uniqExactIfState(order_id, is_order AND is_bot = 0) AS orders,
    uniqExactIfState(session_id, session_id != '' AND NOT is_order AND event_type != 'cart_remove' AND is_bot = 0) AS sessions,
    max(ts) AS last_seen
FROM
(
    SELECT
        site_id, ts, order_id, session_id, is_bot, toString(type) AS event_type, type = 'purchase' AS is_order,
        line.1 AS line_id, line.2 AS line_name, line.3 AS line_category, line.4 AS line_price,
        toString(currency) AS line_currency,
        toUInt8(props['repurchase'] IN ('true', '1')) AS line_repurchase,
        mapContains(props, 'repurchase') AND NOT is_order AS line_says_repurchase
    FROM {{db}}.events
    ARRAY JOIN
        if(type = 'purchase',
           arrayZip(`items.product_id`, `items.name`, `items.category`, `items.price`),
           [(product_id, product_name, toString(product_category), price)]) AS line
    WHERE (type = 'purchase' AND order_id != '') OR type IN ('cart_add', 'cart_remove') OR (type = 'custom' AND name = 'view_item')
)
WHERE line_id != ''
GROUP BY site_id, product_id;

CREATE VIEW IF NOT EXISTS {{db}}.product_stats {{on_cluster}} AS
SELECT
    site_id,
    product_id,
    argMaxIfMerge(name) AS name,
    argMaxIfMerge(category) AS category,
    argMaxMerge(price) AS price,
    argMaxIfMerge(currency) AS currency,
    argMaxIfMerge(repurchase) = 1 AS repurchase,
    uniqExactIfMerge(orders) AS orders,
    uniqExactIfMerge(sessions) AS sessions,
    max(last_seen) AS last_seen
FROM {{db}}.products
GROUP BY site_id, product_id
COMMENT 'One row per product shoppers met: latest name, category, price and currency, repurchase (a consumable, from props.repurchase), orders containing it and sessions that viewed or carted it (each once, bots excluded), last seen.';
