-- The suppression list of `spoor forget`: people erased on request. The worker drops their events
-- before inserting, so a batch replayed after the erasure cannot bring them back.
CREATE TABLE IF NOT EXISTS {{db}}.forgotten {{on_cluster}}
(
    site_id LowCardinality(String) COMMENT 'Empty: every site',
    kind Enum8('visitor' = 1, 'user' = 2),
    id String,
    forgotten_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(forgotten_at)
ORDER BY (site_id, kind, id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'People erased by spoor forget (visitor ids and user ids); their events are dropped on arrival.';
