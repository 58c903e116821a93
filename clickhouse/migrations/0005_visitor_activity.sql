-- Activity profile: one row per visitor (browser), what they did. Kept by visitor_activity_mv,
-- finalised by the visitor_profiles view; user_id is the customer the visitor was last seen as,
-- the same answer identity_map gives.
-- As in sessions, counts are uniqExact states of event ids and money a map keyed by order id,
-- so late duplicates never inflate a profile. Granules are small (256 rows): looking up one
-- visitor reads a whole granule of aggregate states, which are large.
CREATE TABLE IF NOT EXISTS {{db}}.visitor_activity {{on_cluster}}
(
    site_id LowCardinality(String),
    visitor_id String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    user_id AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    sessions AggregateFunction(uniqExactIf, String, UInt8),
    pageviews AggregateFunction(uniqExactIf, UUID, UInt8),
    clicks AggregateFunction(uniqExactIf, UUID, UInt8),
    cart_adds AggregateFunction(uniqExactIf, UUID, UInt8),
    cart_removes AggregateFunction(uniqExactIf, UUID, UInt8),
    checkouts AggregateFunction(uniqExactIf, UUID, UInt8),
    orders AggregateFunction(maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    refunds AggregateFunction(maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    pages AggregateFunction(groupUniqArrayIf, Tuple(String, UUID), UInt8),
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
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per visitor, written by visitor_activity_mv. Query visitor_profiles instead.';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.visitor_activity_mv {{on_cluster}} TO {{db}}.visitor_activity AS
SELECT
    site_id,
    visitor_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
    -- The user the visitor was last seen as: what identity_map says, without a join at lookup.
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    uniqExactIfState(session_id, session_id != '') AS sessions,
    uniqExactIfState(event_id, type = 'pageview') AS pageviews,
    uniqExactIfState(event_id, type = 'click') AS clicks,
    uniqExactIfState(event_id, type = 'cart_add') AS cart_adds,
    uniqExactIfState(event_id, type = 'cart_remove') AS cart_removes,
    uniqExactIfState(event_id, type = 'checkout') AS checkouts,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS orders,
    maxMapIfState([event_id], [revenue], type = 'refund') AS refunds,
    groupUniqArrayIfState((path, event_id), type = 'pageview') AS pages,
    argMaxIfState(path, ts, type = 'pageview') AS last_page,
    -- Server-side senders (a shop backend) carry no device.
    argMaxIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    argMinIfState(
        (toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)),
        ts, type = 'pageview') AS first_touch,
    -- Last touch is the latest visit that came from somewhere (direct visits do not overwrite it).
    argMaxIfState(
        (toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)),
        ts, type = 'pageview' AND (referrer_domain != '' OR utm_source != '')) AS last_touch,
    -- The cart after the change: the event's cart when it carries one, else a cart_add alone
    -- means at least the added quantity is in it.
    argMaxIfState(
        (cart_id,
         toUInt32(if(cart_id != '' AND type != 'purchase', cart_quantity, if(type = 'cart_add', quantity, 0))),
         if(cart_id != '' AND type != 'purchase', cart_value, toDecimal64(0, 4))),
        ts, type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout')) AS last_cart,
    maxIfState(ts, type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout')) AS last_cart_change_at,
    maxIfState(ts, type = 'purchase') AS last_purchase_at,
    max(is_bot) AS is_bot,
    max(cookieless) AS cookieless
FROM {{db}}.events
GROUP BY site_id, visitor_id;

CREATE VIEW IF NOT EXISTS {{db}}.visitor_profiles {{on_cluster}} AS
SELECT
    va.site_id AS site_id,
    va.visitor_id AS visitor_id,
    va.user_id AS user_id,
    va.first_seen AS first_seen,
    va.last_seen AS last_seen,
    va.sessions AS sessions,
    va.pageviews AS pageviews,
    va.clicks AS clicks,
    va.cart_adds AS cart_adds,
    va.cart_removes AS cart_removes,
    va.checkouts AS checkouts,
    length(va.orders_s.1) AS orders,
    arraySum(va.orders_s.2) - arraySum(va.refunds_s.2) AS revenue,
    va.last_page AS last_page,
    -- Most viewed paths, most views first, ties by path.
    arraySlice(
        arrayMap(x -> x.1, arraySort(x -> (-x.2, x.1),
            arrayMap(p -> (p, countEqual(va.page_paths, p)), arrayDistinct(va.page_paths)))),
        1, 5) AS top_pages,
    if(va.sessions > 0, round(va.pageviews / va.sessions, 2), 0) AS navigation_depth,
    va.device_s.1 AS device_type,
    va.device_s.2 AS browser,
    va.device_s.3 AS os,
    va.first_touch_s.1 AS first_referrer_domain,
    va.first_touch_s.2 AS first_utm_source,
    va.first_touch_s.3 AS first_utm_medium,
    va.first_touch_s.4 AS first_utm_campaign,
    va.last_touch_s.1 AS last_referrer_domain,
    va.last_touch_s.2 AS last_utm_source,
    va.last_touch_s.3 AS last_utm_medium,
    va.last_touch_s.4 AS last_utm_campaign,
    va.last_cart_s.1 AS last_cart_id,
    va.last_cart_s.2 AS last_cart_quantity,
    va.last_cart_s.3 AS last_cart_value,
    nullIf(va.last_cart_change_at, toDateTime64(0, 3, 'UTC')) AS last_cart_change_at,
    nullIf(va.last_purchase_at, toDateTime64(0, 3, 'UTC')) AS last_purchase_at,
    va.is_bot AS is_bot,
    va.cookieless AS cookieless
FROM
(
    SELECT
        site_id,
        visitor_id,
        min(first_seen) AS first_seen,
        max(last_seen) AS last_seen,
        argMaxIfMerge(user_id) AS user_id,
        uniqExactIfMerge(sessions) AS sessions,
        uniqExactIfMerge(pageviews) AS pageviews,
        uniqExactIfMerge(clicks) AS clicks,
        uniqExactIfMerge(cart_adds) AS cart_adds,
        uniqExactIfMerge(cart_removes) AS cart_removes,
        uniqExactIfMerge(checkouts) AS checkouts,
        maxMapIfMerge(orders) AS orders_s,
        maxMapIfMerge(refunds) AS refunds_s,
        arrayMap(x -> x.1, groupUniqArrayIfMerge(pages)) AS page_paths,
        argMaxIfMerge(last_page) AS last_page,
        argMaxIfMerge(device) AS device_s,
        argMinIfMerge(first_touch) AS first_touch_s,
        argMaxIfMerge(last_touch) AS last_touch_s,
        argMaxIfMerge(last_cart) AS last_cart_s,
        maxIfMerge(last_cart_change_at) AS last_cart_change_at,
        maxIfMerge(last_purchase_at) AS last_purchase_at,
        max(is_bot) AS is_bot,
        max(cookieless) AS cookieless
    FROM {{db}}.visitor_activity
    GROUP BY site_id, visitor_id
) AS va
COMMENT 'Activity profile, one row per visitor: first/last seen, sessions, pageviews, clicks, cart adds/removes, checkouts, orders (each order id once) and revenue net of refunds, last and top pages, device, first- and last-touch source, the cart after its last change, and user_id, the customer the visitor is linked to (empty while anonymous).';
