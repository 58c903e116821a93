-- Which products each session looked at (`view_item`) or put in its cart: the "viewed" and "carted"
-- history of a visitor that the recommender starts from, and the memory product_pairs_viewed_mv
-- needs to pair a product viewed now with the ones the same session viewed in earlier inserts.
--
-- Keyed by visitor first, so one visitor's history is a prefix range, and `spoor forget` finds the
-- rows by visitor_id like every other person table. Bots are left out.
CREATE TABLE IF NOT EXISTS {{db}}.session_products {{on_cluster}}
(
    site_id LowCardinality(String),
    visitor_id String,
    session_id String,
    product_id String,
    first_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'First view or cart add of the product in the session',
    last_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')) COMMENT 'Latest view or cart add of the product in the session',
    carted SimpleAggregateFunction(max, UInt8) COMMENT '1 once the session added it to a cart'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id, session_id, product_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'One row per product a session viewed or added to its cart (bots excluded), written by session_products_mv; read with GROUP BY or FINAL.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.session_products_mv {{on_cluster}} TO {{db}}.session_products AS
SELECT
    site_id,
    visitor_id,
    session_id,
    product_id,
    min(ts) AS first_at,
    max(ts) AS last_at,
    max(toUInt8(type = 'cart_add')) AS carted
FROM {{db}}.events
WHERE is_bot = 0 AND session_id != '' AND product_id != ''
  AND (type = 'cart_add' OR (type = 'custom' AND name = 'view_item'))
GROUP BY site_id, visitor_id, session_id, product_id;
