-- Product affinities for recommendations: for each product, the others bought in the same order
-- and viewed (or carted) in the same session, with how many orders and sessions. Both directions
-- are stored, so "what goes with product P" is one prefix range of the key.
--
-- Counted once, however often the evidence arrives: the counts are uniqExact states of order ids
-- and session ids, so a resent purchase, an order reported by both browser and shop backend, or a
-- pair generated again by a later insert of the same session adds nothing.
--
-- Bounded cost per insert: only the first 20 distinct products of an order, and the first 20
-- products a session viewed, form pairs (at most 380 pair rows per order or session). Bots are
-- left out. Read through product_affinities.
CREATE TABLE IF NOT EXISTS {{db}}.product_pairs {{on_cluster}}
(
    site_id LowCardinality(String),
    product_id String,
    other_id String,
    orders AggregateFunction(uniqExact, String) COMMENT 'Orders that held both products',
    sessions AggregateFunction(uniqExact, String) COMMENT 'Sessions that viewed or carted both products'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, product_id, other_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per ordered product pair, written by product_pairs_bought_mv and product_pairs_viewed_mv. Query product_affinities instead.';

-- Bought together: every ordered pair of the order's first 20 distinct products.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.product_pairs_bought_mv {{on_cluster}} TO {{db}}.product_pairs AS
SELECT
    site_id,
    pair.1 AS product_id,
    pair.2 AS other_id,
    uniqExactState(order_id) AS orders
FROM {{db}}.events
ARRAY JOIN
    arrayFlatten(arrayMap(a -> arrayMap(b -> (a, b), arrayFilter(b -> b != a, ids)),
        arraySlice(arrayDistinct(arrayFilter(x -> x != '', `items.product_id`)), 1, 20) AS ids)) AS pair
WHERE type = 'purchase' AND order_id != '' AND is_bot = 0
GROUP BY site_id, product_id, other_id;

-- Viewed together. A session's views arrive in many inserts, so each insert pairs the products it
-- brings with the ones session_products already holds for the same sessions (the inserted rows
-- themselves are included either way, whether or not session_products_mv ran first). The pairs are
-- those between a product of this insert and the session's first 20 products by first view.
-- Regenerating a pair is harmless (uniqExact of the session id); two inserts of one session that
-- run at the same moment may each miss the other's products, so a pair can be undercounted, never
-- overcounted.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.product_pairs_viewed_mv {{on_cluster}} TO {{db}}.product_pairs AS
SELECT
    site_id,
    pair.1 AS product_id,
    pair.2 AS other_id,
    uniqExactState(session_id) AS sessions
FROM
(
    SELECT
        n.site_id AS site_id,
        n.session_id AS session_id,
        n.fresh AS fresh,
        -- The session's first 20 products by first view, over history and this insert.
        arraySlice(arrayDistinct(arrayMap(x -> x.2, arraySort(arrayConcat(n.fresh_at, o.seen_at)))), 1, 20) AS top
    FROM
    (
        SELECT site_id, visitor_id, session_id, groupArray(product_id) AS fresh, groupArray((first_at, product_id)) AS fresh_at
        FROM
        (
            SELECT site_id, visitor_id, session_id, product_id, min(ts) AS first_at
            FROM {{db}}.events
            WHERE is_bot = 0 AND session_id != '' AND product_id != ''
              AND (type = 'cart_add' OR (type = 'custom' AND name = 'view_item'))
            GROUP BY site_id, visitor_id, session_id, product_id
        )
        GROUP BY site_id, visitor_id, session_id
    ) AS n
    LEFT JOIN
    (
        SELECT site_id, visitor_id, session_id, groupArray((first_at, product_id)) AS seen_at
        FROM
        (
            SELECT site_id, visitor_id, session_id, product_id, min(first_at) AS first_at
            FROM {{db}}.session_products
            WHERE (site_id, visitor_id, session_id) IN (
                SELECT site_id, visitor_id, session_id FROM {{db}}.events
                WHERE is_bot = 0 AND session_id != '' AND product_id != ''
                  AND (type = 'cart_add' OR (type = 'custom' AND name = 'view_item')))
            GROUP BY site_id, visitor_id, session_id, product_id
        )
        GROUP BY site_id, visitor_id, session_id
    ) AS o ON o.site_id = n.site_id AND o.visitor_id = n.visitor_id AND o.session_id = n.session_id
)
ARRAY JOIN
    arrayFlatten(arrayMap(
        f -> arrayFlatten(arrayMap(x -> [(f, x), (x, f)], arrayFilter(x -> x != f, top))),
        arrayFilter(f -> has(top, f), fresh))) AS pair
GROUP BY site_id, product_id, other_id;

CREATE VIEW IF NOT EXISTS {{db}}.product_affinities {{on_cluster}} AS
SELECT
    site_id,
    product_id,
    other_id,
    uniqExactMerge(orders) AS orders,
    uniqExactMerge(sessions) AS sessions
FROM {{db}}.product_pairs
GROUP BY site_id, product_id, other_id
COMMENT 'One row per ordered product pair (bots excluded): orders that held both (bought together) and sessions that viewed or carted both (viewed together), each counted once. Both directions are stored.';
