-- One row per purchased line, for product and category analysis. Keyed by (site, order, line):
-- an order sent twice lands on the same keys and collapses at merge, so read with FINAL.
CREATE TABLE IF NOT EXISTS {{db}}.order_items {{on_cluster}}
(
    site_id LowCardinality(String),
    order_id String,
    line UInt16 COMMENT 'Position of the line in the order, from 1',
    ordered_at DateTime64(3, 'UTC'),
    visitor_id String,
    user_id String,
    product_id String,
    name String,
    category LowCardinality(String),
    brand LowCardinality(String),
    variant String,
    price Decimal(18, 4),
    quantity UInt32,
    currency LowCardinality(String),
    event_id UUID
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ordered_at)
ORDER BY (site_id, order_id, line)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'One row per purchased item line (read with FINAL: an order sent twice collapses to one). Written by order_items_mv.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.order_items_mv {{on_cluster}} TO {{db}}.order_items AS
SELECT
    site_id,
    order_id,
    toUInt16(line) AS line,
    ts AS ordered_at,
    visitor_id,
    user_id,
    item.1 AS product_id,
    item.2 AS name,
    item.3 AS category,
    item.4 AS brand,
    item.5 AS variant,
    item.6 AS price,
    item.7 AS quantity,
    currency,
    event_id
FROM {{db}}.events
ARRAY JOIN
    arrayZip(`items.product_id`, `items.name`, `items.category`, `items.brand`, `items.variant`, `items.price`, `items.quantity`) AS item,
    arrayEnumerate(`items.product_id`) AS line
WHERE type = 'purchase' AND order_id != '';
