-- Sessions: one row per session id, kept by sessions_mv, finalised by the session_profiles view.
-- Counts are uniqExact states of event ids and money is a map keyed by order id, so an event or
-- an order that reaches ClickHouse twice (a resend after the dedup window) is still counted once.
CREATE TABLE IF NOT EXISTS {{db}}.sessions {{on_cluster}}
(
    site_id LowCardinality(String),
    session_id String,
    visitor_id SimpleAggregateFunction(min, String),
    user_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    started_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    ended_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events AggregateFunction(uniqExact, UUID),
    pageviews AggregateFunction(uniqExactIf, UUID, UInt8),
    clicks AggregateFunction(uniqExactIf, UUID, UInt8),
    cart_adds AggregateFunction(uniqExactIf, UUID, UInt8),
    entry_page AggregateFunction(argMinIf, String, DateTime64(3, 'UTC'), UInt8),
    exit_page AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    source AggregateFunction(argMinIf, Tuple(String, String, String, String, String), DateTime64(3, 'UTC'), UInt8),
    device AggregateFunction(argMinIf, Tuple(String, String, String), DateTime64(3, 'UTC'), UInt8),
    engaged AggregateFunction(maxMapIf, Array(UUID), Array(UInt32), UInt8),
    orders AggregateFunction(maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    is_bot SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(toDate(started_at))
ORDER BY (site_id, session_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per session, written by sessions_mv. Query session_profiles instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.sessions_mv {{on_cluster}} TO {{db}}.sessions AS
SELECT
    site_id,
    session_id,
    min(visitor_id) AS visitor_id,
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    min(ts) AS started_at,
    max(ts) AS ended_at,
    uniqExactState(event_id) AS events,
    uniqExactIfState(event_id, type = 'pageview') AS pageviews,
    uniqExactIfState(event_id, type = 'click') AS clicks,
    uniqExactIfState(event_id, type = 'cart_add') AS cart_adds,
    argMinIfState(path, ts, type = 'pageview') AS entry_page,
    argMaxIfState(path, ts, type = 'pageview') AS exit_page,
    argMinIfState(
        (referrer, toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)),
        ts, type = 'pageview') AS source,
    argMinIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    maxMapIfState([event_id], [engaged_ms], type = 'page_leave') AS engaged,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS orders,
    max(is_bot) AS is_bot
FROM {{db}}.events
WHERE session_id != ''
GROUP BY site_id, session_id;

CREATE VIEW IF NOT EXISTS {{db}}.session_profiles {{on_cluster}} AS
SELECT
    site_id,
    session_id,
    visitor_id,
    user_id,
    started_at,
    ended_at,
    dateDiff('second', started_at, ended_at) AS duration_s,
    events,
    pageviews,
    clicks,
    cart_adds,
    entry_page,
    exit_page,
    source_s.1 AS referrer,
    source_s.2 AS referrer_domain,
    source_s.3 AS utm_source,
    source_s.4 AS utm_medium,
    source_s.5 AS utm_campaign,
    device_s.1 AS device_type,
    device_s.2 AS browser,
    device_s.3 AS os,
    arraySum(engaged_s.2) AS engaged_ms,
    pageviews <= 1 AS bounce,
    length(orders_s.1) AS orders,
    arraySum(orders_s.2) AS revenue,
    length(orders_s.1) > 0 AS converted,
    is_bot
FROM
(
    SELECT
        site_id,
        session_id,
        min(visitor_id) AS visitor_id,
        argMaxIfMerge(user_id) AS user_id,
        min(started_at) AS started_at,
        max(ended_at) AS ended_at,
        uniqExactMerge(events) AS events,
        uniqExactIfMerge(pageviews) AS pageviews,
        uniqExactIfMerge(clicks) AS clicks,
        uniqExactIfMerge(cart_adds) AS cart_adds,
        argMinIfMerge(entry_page) AS entry_page,
        argMaxIfMerge(exit_page) AS exit_page,
        argMinIfMerge(source) AS source_s,
        argMinIfMerge(device) AS device_s,
        maxMapIfMerge(engaged) AS engaged_s,
        maxMapIfMerge(orders) AS orders_s,
        max(is_bot) AS is_bot
    FROM {{db}}.sessions
    GROUP BY site_id, session_id
)
COMMENT 'One row per session: start, end, duration, pageviews, entry and exit page, source of the session (its first pageview), bounce (at most one pageview), converted (a purchase in it).';
