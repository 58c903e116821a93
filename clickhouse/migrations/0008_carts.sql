-- Cart state per cart id: the items and value after its last change, and whether it was bought.
-- The SDK keeps one cart id per browser and sends the whole cart with every change; a purchase
-- names the cart it checked out (order.cart_id).
CREATE TABLE IF NOT EXISTS {{db}}.carts {{on_cluster}}
(
    site_id LowCardinality(String),
    cart_id String,
    visitor_id SimpleAggregateFunction(min, String),
    user_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    created_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    changed_at AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    state AggregateFunction(argMaxIf, Tuple(UInt32, Decimal(18, 4), Array(String), Array(UInt32), Array(Decimal(18, 4))), DateTime64(3, 'UTC'), UInt8),
    currency AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    purchased_at AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    order_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, cart_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per cart id, written by carts_mv. Query cart_states instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.carts_mv {{on_cluster}} TO {{db}}.carts AS
SELECT
    site_id,
    cart_id,
    min(visitor_id) AS visitor_id,
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    min(ts) AS created_at,
    maxIfState(ts, type != 'purchase') AS changed_at,
    argMaxIfState((cart_quantity, cart_value, `items.product_id`, `items.quantity`, `items.price`), ts, type != 'purchase') AS state,
    argMaxIfState(toString(currency), ts, currency != '') AS currency,
    maxIfState(ts, type = 'purchase') AS purchased_at,
    argMaxIfState(order_id, ts, type = 'purchase') AS order_id
FROM {{db}}.events
WHERE cart_id != '' AND type IN ('cart_view', 'cart_add', 'cart_remove', 'checkout', 'purchase')
GROUP BY site_id, cart_id;

CREATE VIEW IF NOT EXISTS {{db}}.cart_states {{on_cluster}} AS
SELECT
    site_id,
    cart_id,
    visitor_id,
    user_id,
    created_at,
    changed_at,
    state.1 AS quantity,
    state.2 AS value,
    state.3 AS product_ids,
    state.4 AS quantities,
    state.5 AS prices,
    currency,
    state.1 = 0 AS emptied,
    purchased_at IS NOT NULL AND purchased_at >= changed_at AS purchased,
    purchased_at,
    order_id
FROM
(
    SELECT
        site_id,
        cart_id,
        min(visitor_id) AS visitor_id,
        argMaxIfMerge(user_id) AS user_id,
        min(created_at) AS created_at,
        maxIfMerge(changed_at) AS changed_at,
        argMaxIfMerge(state) AS state,
        argMaxIfMerge(currency) AS currency,
        nullIf(maxIfMerge(purchased_at), toDateTime64(0, 3, 'UTC')) AS purchased_at,
        argMaxIfMerge(order_id) AS order_id
    FROM {{db}}.carts
    GROUP BY site_id, cart_id
)
COMMENT 'One row per cart: items, units and value after its last change, emptied (nothing left), purchased (bought after its last change).';
