-- The raw landing table: one row per accepted event, typed columns plus `props`.
--
-- Engine: ReplacingMergeTree on (site_id, toDate(ts), visitor_id, event_id), so an event resent
-- after the insert-dedup window (a client retry hours later, a replayed job) collapses to one row
-- at merge time; read it with FINAL, or count uniqExact(event_id), to see each event once.
-- Sort key: site first, then day, serves "a site over time" (the dashboards' path) with a prefix
-- range; visitor_id next plus the bloom filters below serve "one visitor's history" without a
-- second copy of the table. Partitions are months: events older than 30 days are refused, so one
-- batch touches at most two or three partitions.
CREATE TABLE IF NOT EXISTS {{db}}.events {{on_cluster}}
(
    event_id UUID COMMENT 'Client-generated id; the same event sent twice has the same id',
    site_id LowCardinality(String),
    type LowCardinality(String) COMMENT 'pageview, page_leave, click, cart_view, cart_add, cart_remove, checkout, purchase, refund, identify, custom',
    name String COMMENT 'Event name of custom events; empty for the others',
    ts DateTime64(3, 'UTC') COMMENT 'When it happened, device clock corrected by the collector',
    client_ts DateTime64(3, 'UTC') COMMENT 'The device clock as sent',
    received_at DateTime64(3, 'UTC') COMMENT 'When the collector received the batch',
    batch_id String,
    visitor_id String COMMENT 'First-party cookie id (or a per-page id when cookieless)',
    session_id String,
    user_id String COMMENT 'Customer id given to identify(); empty while anonymous',
    url String,
    host LowCardinality(String),
    path String,
    title String,
    referrer String,
    referrer_domain LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_term String,
    utm_content String,
    element_tag LowCardinality(String),
    element_id String,
    element_classes String,
    element_text String COMMENT 'Visible text of the clicked element, trimmed; input values are never captured',
    element_href String,
    element_selector String COMMENT 'CSS selector path of the clicked element',
    link_kind LowCardinality(String) COMMENT 'outbound or download for such links, else empty',
    product_id String COMMENT 'Item of cart_add / cart_remove',
    product_name String,
    product_category LowCardinality(String),
    product_brand LowCardinality(String),
    product_variant String,
    price Decimal(18, 4),
    quantity UInt32,
    cart_id String,
    cart_value Decimal(18, 4) COMMENT 'Cart value after the change',
    cart_quantity UInt32 COMMENT 'Units in the cart after the change',
    order_id String,
    revenue Decimal(18, 4) COMMENT 'Order revenue of purchase; amount refunded of refund',
    tax Decimal(18, 4),
    shipping Decimal(18, 4),
    discount Decimal(18, 4),
    coupon String,
    currency LowCardinality(String),
    items Nested(
        product_id String,
        name String,
        category String,
        brand String,
        variant String,
        price Decimal(18, 4),
        quantity UInt32
    ) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order',
    engaged_ms UInt32 COMMENT 'page_leave: time the page was visible and in use',
    scroll_pct UInt8 COMMENT 'page_leave: deepest scroll, percent of the page',
    screen LowCardinality(String),
    lang LowCardinality(String),
    tz LowCardinality(String),
    browser LowCardinality(String),
    browser_version LowCardinality(String),
    os LowCardinality(String),
    os_version LowCardinality(String),
    device_type LowCardinality(String) COMMENT 'desktop, mobile, tablet, bot, other',
    is_bot UInt8,
    bot_reason LowCardinality(String),
    ip_hash String COMMENT 'Daily-salted hash of the IP; the IP itself is never stored',
    ip_prefix String COMMENT 'IPv4 /24 or IPv6 /48 network of the client',
    is_returning UInt8 COMMENT 'The visitor had been seen before this session (SDK cookie)',
    cookieless UInt8 COMMENT 'Sent without a persistent id (GPC, DNT or consent denied)',
    flags Array(LowCardinality(String)) COMMENT 'late, clock_clamped, clock_corrected, no_sent_at, prefetch',
    props Map(String, String),
    traits Map(String, String) COMMENT 'identify traits',
    INDEX idx_visitor visitor_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_user user_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_order order_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), visitor_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'One row per accepted event. Count with FINAL or uniqExact(event_id): a late resend may sit beside the original until a merge.';
