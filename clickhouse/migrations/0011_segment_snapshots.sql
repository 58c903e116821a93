-- Segment membership as last delivered to a webhook (`spoor segments export NAME --to URL`), so
-- each run posts only who entered and who left since the previous successful run.
--
-- One membership history per feed: a segment with its parameters and site, delivered to one
-- destination (the feed is a hash, so a secret in a webhook URL is not stored). A run writes its
-- members under its run_id; once every part of the diff was accepted the run is recorded in
-- segment_runs and older members of the feed are deleted. A failed run removes its own rows, so
-- the next run diffs against the last delivered membership again. `spoor forget` deletes a
-- person's rows here like anywhere else (visitor_id, user_id).
CREATE TABLE IF NOT EXISTS {{db}}.segment_snapshots {{on_cluster}}
(
    feed String COMMENT 'Hash of segment, parameters, site and destination',
    run_id UInt64 COMMENT 'Epoch milliseconds of the run that took it',
    site_id LowCardinality(String),
    person String COMMENT 'c:<customer id>, or v:<visitor id> for an anonymous visitor',
    user_id String COMMENT 'The customer id; empty for an anonymous visitor',
    visitor_id String COMMENT 'The person''s most recently seen browser at the time of the run',
    row String COMMENT 'The export row as JSON, as posted when the person entered'
)
ENGINE = MergeTree
ORDER BY (feed, run_id, site_id, person)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Members of each segment feed at its latest runs (webhook delivery state). Written by spoor segments export --to.';

CREATE TABLE IF NOT EXISTS {{db}}.segment_runs {{on_cluster}}
(
    feed String,
    run_id UInt64,
    segment String,
    destination String COMMENT 'Scheme, host and path of the webhook (no query string)',
    taken_at DateTime64(3, 'UTC'),
    members UInt64,
    entered UInt64,
    left UInt64,
    requests UInt32 COMMENT 'POSTs the diff took',
    delivered_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (feed, run_id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'One row per delivered webhook run of a segment feed: members, entered, left.';
