-- Every refused event with its reason, so nothing a sender sent disappears without a trace.
-- Kept 90 days: long enough to fix a broken sender and replay, short enough not to grow forever.
CREATE TABLE IF NOT EXISTS {{db}}.rejected_events {{on_cluster}}
(
    received_at DateTime64(3, 'UTC'),
    site_id LowCardinality(String),
    batch_id String,
    event_index Int32 COMMENT 'Position in the batch; -1 when the whole request was refused',
    event_id String COMMENT 'The event_id as sent, if there was one',
    reason LowCardinality(String) COMMENT 'invalid_json, depth_exceeded, invalid_batch, invalid_event, event_too_large, too_old, insert_failed',
    path String COMMENT 'Field that failed, e.g. events.3.order.revenue',
    message String,
    raw String COMMENT 'The payload as received, truncated to 8 KiB',
    stage LowCardinality(String) COMMENT 'collector or worker'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'One row per refused event (or refused request), with the reason and the raw payload.';
