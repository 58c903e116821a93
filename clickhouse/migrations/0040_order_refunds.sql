-- Refunds per order, so a purchase day's value can be taken net of what was refunded from its own
-- orders (customer_transactions keeps a customer's refunds by event id only, not by order).
--
-- Keyed by event id like customer_transactions.refunds: merging keeps one entry per refund event
-- however often it was sent; several partial refunds of one order are distinct events. The refund's
-- time is kept too, so a model fitted as of an earlier date sees only refunds made by then.
-- visitor_id and user_id are part of the key so `spoor forget` finds a person's rows here.
CREATE TABLE IF NOT EXISTS {{db}}.order_refunds {{on_cluster}}
(
    site_id LowCardinality(String),
    order_id String,
    user_id String,
    visitor_id String,
    amounts AggregateFunction(maxMap, Array(UUID), Array(Decimal(18, 4))),
    refunded_at AggregateFunction(minMap, Array(UUID), Array(DateTime64(3, 'UTC')))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, order_id, user_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Refunds per order (aggregate states keyed by refund event id, amount and time), written by order_refunds_mv. Read by prediction_inputs.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.order_refunds_mv {{on_cluster}} TO {{db}}.order_refunds AS
SELECT
    site_id,
    order_id,
    user_id,
    visitor_id,
    maxMapState([event_id], [revenue]) AS amounts,
    minMapState([event_id], [ts]) AS refunded_at
FROM {{db}}.events
WHERE type = 'refund' AND order_id != ''
GROUP BY site_id, order_id, user_id, visitor_id;

-- Refunds that arrived before this migration (the view above sees only new inserts). A refund
-- inserted while this runs is counted once: the maps are keyed by event id.
INSERT INTO {{db}}.order_refunds
SELECT
    site_id,
    order_id,
    user_id,
    visitor_id,
    maxMapState([event_id], [revenue]) AS amounts,
    minMapState([event_id], [ts]) AS refunded_at
FROM {{db}}.events
WHERE type = 'refund' AND order_id != ''
GROUP BY site_id, order_id, user_id, visitor_id;
