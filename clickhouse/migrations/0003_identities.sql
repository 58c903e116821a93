-- Identity: which visitors (browsers) belong to which customer (identified user).
--
-- identities: one row per (site, visitor, user) link, from every event that carries a user_id
-- (identify, and everything sent while logged in). Plain SimpleAggregateFunction columns, so
-- analysts read it directly (with FINAL, or GROUP BY, to see each link once).
CREATE TABLE IF NOT EXISTS {{db}}.identities {{on_cluster}}
(
    site_id LowCardinality(String),
    visitor_id String,
    user_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'First event of the visitor as this user',
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')) COMMENT 'Latest event of the visitor as this user'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Visitor id ↔ customer id links, one row per pair (read with FINAL). Written by identities_mv.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.identities_mv {{on_cluster}} TO {{db}}.identities AS
SELECT
    site_id,
    visitor_id,
    user_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen
FROM {{db}}.events
WHERE user_id != ''
GROUP BY site_id, visitor_id, user_id;

-- A visitor belongs to the customer it was most recently identified as (a shared device that two
-- people log in on follows the latest one).
CREATE VIEW IF NOT EXISTS {{db}}.identity_map {{on_cluster}} AS
SELECT
    site_id,
    visitor_id,
    argMax(user_id, last_seen) AS customer_id
FROM
(
    SELECT site_id, visitor_id, user_id, max(last_seen) AS last_seen
    FROM {{db}}.identities
    GROUP BY site_id, visitor_id, user_id
)
GROUP BY site_id, visitor_id
COMMENT 'Resolves a visitor to its customer id: the user it was most recently identified as.';

-- Traits given to identify(): the latest call's traits per customer.
CREATE TABLE IF NOT EXISTS {{db}}.customer_traits {{on_cluster}}
(
    site_id LowCardinality(String),
    user_id String,
    traits AggregateFunction(argMax, Map(String, String), DateTime64(3, 'UTC')),
    identified_at SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Latest identify() traits per customer (aggregate states; customer_profiles finalises them).';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.customer_traits_mv {{on_cluster}} TO {{db}}.customer_traits AS
SELECT
    site_id,
    user_id,
    argMaxState(traits, ts) AS traits,
    max(ts) AS identified_at
FROM {{db}}.events
WHERE type = 'identify' AND user_id != ''
GROUP BY site_id, user_id;
