-- What-if for bench insert-paths, never a migration: sessions and visitor_activity as they could
-- be if every event reached the views once (deduplication before the views), keeping plain counts
-- and sums instead of uniqExact states of event ids and maps keyed by event or order id. Run after
-- every migration ("all+sql=" variant), so the other views and tables stay as they are. It
-- measures what the exactness states cost in insert time and bytes; it is not exact through
-- resends, which is why the real views keep the states.
DROP VIEW {{db}}.sessions_mv;
DROP VIEW {{db}}.visitor_activity_mv;
CREATE TABLE {{db}}.sessions_plain
(
    site_id LowCardinality(String),
    session_id String,
    visitor_id SimpleAggregateFunction(min, String),
    user_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    started_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    ended_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events SimpleAggregateFunction(sum, UInt64),
    pageviews SimpleAggregateFunction(sum, UInt64),
    clicks SimpleAggregateFunction(sum, UInt64),
    cart_adds SimpleAggregateFunction(sum, UInt64),
    entry_page AggregateFunction(argMinIf, String, DateTime64(3, 'UTC'), UInt8),
    exit_page AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    source AggregateFunction(argMinIf, Tuple(String, String, String, String, String), DateTime64(3, 'UTC'), UInt8),
    device AggregateFunction(argMinIf, Tuple(String, String, String), DateTime64(3, 'UTC'), UInt8),
    engaged_ms SimpleAggregateFunction(sum, UInt64),
    orders SimpleAggregateFunction(sum, UInt64),
    revenue SimpleAggregateFunction(sum, Decimal(38, 4)),
    is_bot SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(toDate(started_at))
ORDER BY (site_id, session_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256;
CREATE MATERIALIZED VIEW {{db}}.sessions_plain_mv TO {{db}}.sessions_plain AS
SELECT site_id, session_id, min(visitor_id) AS visitor_id,
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    min(ts) AS started_at, max(ts) AS ended_at,
    count() AS events, countIf(type = 'pageview') AS pageviews, countIf(type = 'click') AS clicks, countIf(type = 'cart_add') AS cart_adds,
    argMinIfState(path, ts, type = 'pageview') AS entry_page,
    argMaxIfState(path, ts, type = 'pageview') AS exit_page,
    argMinIfState((referrer, toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, type = 'pageview') AS source,
    argMinIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    sumIf(toUInt64(events.engaged_ms), type = 'page_leave') AS engaged_ms,
    countIf(type = 'purchase') AS orders,
    sumIf(toDecimal128(events.revenue, 4), type = 'purchase') AS revenue,
    max(is_bot) AS is_bot
FROM {{db}}.events WHERE session_id != '' GROUP BY site_id, session_id;
CREATE TABLE {{db}}.visitor_plain
(
    site_id LowCardinality(String),
    visitor_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    user_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    sessions AggregateFunction(uniqExactIf, String, UInt8),
    pageviews SimpleAggregateFunction(sum, UInt64),
    clicks SimpleAggregateFunction(sum, UInt64),
    cart_adds SimpleAggregateFunction(sum, UInt64),
    cart_removes SimpleAggregateFunction(sum, UInt64),
    checkouts SimpleAggregateFunction(sum, UInt64),
    orders SimpleAggregateFunction(sum, UInt64),
    revenue SimpleAggregateFunction(sum, Decimal(38, 4)),
    refunds SimpleAggregateFunction(sum, Decimal(38, 4)),
    pages SimpleAggregateFunction(sumMap, Tuple(Array(String), Array(UInt64))),
    last_page AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    device AggregateFunction(argMaxIf, Tuple(String, String, String), DateTime64(3, 'UTC'), UInt8),
    first_touch AggregateFunction(argMinIf, Tuple(String, String, String, String), DateTime64(3, 'UTC'), UInt8),
    last_touch AggregateFunction(argMaxIf, Tuple(String, String, String, String), DateTime64(3, 'UTC'), UInt8),
    last_cart AggregateFunction(argMaxIf, Tuple(String, UInt32, Decimal(18, 4)), DateTime64(3, 'UTC'), UInt8),
    last_cart_change_at AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    last_purchase_at AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    is_bot SimpleAggregateFunction(max, UInt8),
    cookieless SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree ORDER BY (site_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256;
CREATE MATERIALIZED VIEW {{db}}.visitor_plain_mv TO {{db}}.visitor_plain AS
SELECT site_id, visitor_id, min(ts) AS first_seen, max(ts) AS last_seen,
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    uniqExactIfState(session_id, session_id != '') AS sessions,
    countIf(type = 'pageview') AS pageviews, countIf(type = 'click') AS clicks, countIf(type = 'cart_add') AS cart_adds,
    countIf(type = 'cart_remove') AS cart_removes, countIf(type = 'checkout') AS checkouts,
    countIf(type = 'purchase') AS orders, sumIf(toDecimal128(events.revenue, 4), type = 'purchase') AS revenue,
    sumIf(toDecimal128(events.revenue, 4), type = 'refund') AS refunds,
    sumMapIf(([path], [toUInt64(1)]), type = 'pageview') AS pages,
    argMaxIfState(path, ts, type = 'pageview') AS last_page,
    argMaxIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    argMinIfState((toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, type = 'pageview') AS first_touch,
    argMaxIfState((toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, type = 'pageview' AND (referrer_domain != '' OR utm_source != '')) AS last_touch,
    argMaxIfState((cart_id, toUInt32(if(cart_id != '' AND type != 'purchase', cart_quantity, if(type = 'cart_add', quantity, 0))), if(cart_id != '' AND type != 'purchase', cart_value, toDecimal64(0, 4))), ts, type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout')) AS last_cart,
    maxIfState(ts, type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout')) AS last_cart_change_at,
    maxIfState(ts, type = 'purchase') AS last_purchase_at,
    max(is_bot) AS is_bot, max(cookieless) AS cookieless
FROM {{db}}.events GROUP BY site_id, visitor_id;
