-- The ClickHouse schema after every migration in clickhouse/migrations, as the engine shows it
-- (SHOW CREATE), database spoor, without a cluster. Generated: do not edit. Change the schema with
-- a new migration, then regenerate with `node scripts/schema.mjs` (after `npm run build`).
-- Functions, then tables, then views, each group by name. docs/SCHEMA.md explains them.

CREATE FUNCTION spoor_lifecycle AS (orders, recency_days, mean_days_between_orders) -> multiIf(orders = 1, multiIf(recency_days <= 30, 'new', recency_days <= 90, 'at_risk', 'lapsed'), recency_days <= (1.5 * greatest(7, mean_days_between_orders)), 'active', recency_days <= (3 * greatest(7, mean_days_between_orders)), 'at_risk', 'lapsed');

CREATE TABLE spoor.carts
(
    `site_id` LowCardinality(String),
    `cart_id` String,
    `visitor_id` SimpleAggregateFunction(min, String),
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `created_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `changed_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `state` AggregateFunction(argMaxIf, Tuple(
        UInt32,
        Decimal(18, 4),
        Array(String),
        Array(UInt32),
        Array(Decimal(18, 4))), DateTime64(3, 'UTC'), UInt8),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `purchased_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `order_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, cart_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per cart id, written by carts_mv. Query cart_states instead.';

CREATE TABLE spoor.customer_traits
(
    `site_id` LowCardinality(String),
    `user_id` String,
    `traits` AggregateFunction(argMax, Map(String, String), DateTime64(3, 'UTC')),
    `identified_at` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Latest identify() traits per customer (aggregate states; customer_profiles finalises them).';

CREATE TABLE spoor.customer_transactions
(
    `site_id` LowCardinality(String),
    `user_id` String,
    `visitor_id` String,
    `order_revenue` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `order_time` AggregateFunction(1, minMapIf, Array(String), Array(DateTime64(3, 'UTC')), UInt8),
    `order_units` AggregateFunction(1, maxMapIf, Array(String), Array(UInt32), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `products` AggregateFunction(groupUniqArrayArrayIf, Array(String), UInt8),
    `categories` AggregateFunction(groupUniqArrayArrayIf, Array(String), UInt8),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, user_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states of purchases and refunds per (user_id, visitor_id), written by customer_transactions_mv. Query customer_profiles instead.';

CREATE TABLE spoor.events
(
    `event_id` UUID COMMENT 'Client-generated id; the same event sent twice has the same id',
    `site_id` LowCardinality(String),
    `type` LowCardinality(String) COMMENT 'pageview, page_leave, click, cart_view, cart_add, cart_remove, checkout, purchase, refund, identify, custom',
    `name` String COMMENT 'Event name of custom events; empty for the others' CODEC(ZSTD(1)),
    `ts` DateTime64(3, 'UTC') COMMENT 'When it happened, device clock corrected by the collector' CODEC(ZSTD(1)),
    `client_ts` DateTime64(3, 'UTC') COMMENT 'The device clock as sent' CODEC(ZSTD(1)),
    `received_at` DateTime64(3, 'UTC') COMMENT 'When the collector received the batch' CODEC(ZSTD(1)),
    `batch_id` String CODEC(ZSTD(1)),
    `sender` LowCardinality(String) DEFAULT 'browser' COMMENT 'Who reported it: browser (the tag); server (a backend through /v1/server/batch or a POST without Origin); shopify / woocommerce / stripe (order webhooks); import (spoor import orders)',
    `visitor_id` String COMMENT 'First-party cookie id (or a per-page id when cookieless)' CODEC(ZSTD(1)),
    `sdk_visitor_id` String DEFAULT '' COMMENT 'visitor_id as the SDK sent it when the collector replaced it with the spoor_id cookie (else empty)' CODEC(ZSTD(1)),
    `session_id` String CODEC(ZSTD(1)),
    `user_id` String COMMENT 'Customer id given to identify(); empty while anonymous' CODEC(ZSTD(1)),
    `url` String CODEC(ZSTD(1)),
    `host` LowCardinality(String),
    `path` String CODEC(ZSTD(1)),
    `title` String CODEC(ZSTD(1)),
    `referrer` String CODEC(ZSTD(1)),
    `referrer_domain` LowCardinality(String),
    `utm_source` LowCardinality(String),
    `utm_medium` LowCardinality(String),
    `utm_campaign` LowCardinality(String),
    `utm_term` String CODEC(ZSTD(1)),
    `utm_content` String CODEC(ZSTD(1)),
    `element_tag` LowCardinality(String),
    `element_id` String CODEC(ZSTD(1)),
    `element_classes` String CODEC(ZSTD(1)),
    `element_text` String COMMENT 'Visible text of the clicked element, trimmed; input values are never captured' CODEC(ZSTD(1)),
    `element_href` String CODEC(ZSTD(1)),
    `element_selector` String COMMENT 'CSS selector path of the clicked element' CODEC(ZSTD(1)),
    `link_kind` LowCardinality(String) COMMENT 'outbound or download for such links, else empty',
    `product_id` String COMMENT 'Item of cart_add / cart_remove' CODEC(ZSTD(1)),
    `product_name` String CODEC(ZSTD(1)),
    `product_category` LowCardinality(String),
    `product_brand` LowCardinality(String),
    `product_variant` String CODEC(ZSTD(1)),
    `price` Decimal(18, 4) CODEC(ZSTD(1)),
    `quantity` UInt32 CODEC(ZSTD(1)),
    `cart_id` String CODEC(ZSTD(1)),
    `cart_value` Decimal(18, 4) COMMENT 'Cart value after the change' CODEC(ZSTD(1)),
    `cart_quantity` UInt32 COMMENT 'Units in the cart after the change' CODEC(ZSTD(1)),
    `order_id` String CODEC(ZSTD(1)),
    `revenue` Decimal(18, 4) COMMENT 'Order revenue of purchase; amount refunded of refund' CODEC(ZSTD(1)),
    `tax` Decimal(18, 4) CODEC(ZSTD(1)),
    `shipping` Decimal(18, 4) CODEC(ZSTD(1)),
    `discount` Decimal(18, 4) CODEC(ZSTD(1)),
    `coupon` String CODEC(ZSTD(1)),
    `currency` LowCardinality(String),
    `items.product_id` Array(String) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.name` Array(String) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.category` Array(String) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.brand` Array(String) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.variant` Array(String) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.price` Array(Decimal(18, 4)) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `items.quantity` Array(UInt32) COMMENT 'Lines of the cart (cart_view, checkout, cart after cart_add/remove) or of the order' CODEC(ZSTD(1)),
    `engaged_ms` UInt32 COMMENT 'page_leave: time the page was visible and in use' CODEC(ZSTD(1)),
    `scroll_pct` UInt8 COMMENT 'page_leave: deepest scroll, percent of the page' CODEC(ZSTD(1)),
    `screen` LowCardinality(String),
    `lang` LowCardinality(String),
    `tz` LowCardinality(String),
    `browser` LowCardinality(String),
    `browser_version` LowCardinality(String),
    `os` LowCardinality(String),
    `os_version` LowCardinality(String),
    `device_type` LowCardinality(String) COMMENT 'desktop, mobile, tablet, bot, other',
    `is_bot` UInt8 CODEC(ZSTD(1)),
    `bot_reason` LowCardinality(String),
    `ip_hash` String COMMENT 'Daily-salted hash of the IP; the IP itself is never stored' CODEC(ZSTD(1)),
    `ip_prefix` String COMMENT 'IPv4 /24 or IPv6 /48 network of the client' CODEC(ZSTD(1)),
    `is_returning` UInt8 COMMENT 'The visitor had been seen before this session (SDK cookie)' CODEC(ZSTD(1)),
    `cookieless` UInt8 COMMENT 'Sent without a persistent id (GPC, DNT or consent denied)' CODEC(ZSTD(1)),
    `flags` Array(LowCardinality(String)) COMMENT 'late, clock_clamped, clock_corrected, no_sent_at, prefetch',
    `props` Map(String, String) CODEC(ZSTD(1)),
    `traits` Map(String, String) COMMENT 'identify traits' CODEC(ZSTD(1)),
    INDEX idx_visitor visitor_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_user user_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_order order_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), visitor_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'One row per accepted event. Count with FINAL or uniqExact(event_id): a late resend may sit beside the original until a merge.';

CREATE TABLE spoor.forgotten
(
    `site_id` LowCardinality(String) COMMENT 'Empty: every site',
    `kind` Enum8('visitor' = 1, 'user' = 2),
    `id` String,
    `forgotten_at` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(forgotten_at)
ORDER BY (site_id, kind, id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'People erased by spoor forget (visitor ids and user ids); their events are dropped on arrival.';

CREATE TABLE spoor.identities
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `user_id` String,
    `first_seen` SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'First event of the visitor as this user',
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC')) COMMENT 'Latest event of the visitor as this user'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Visitor id ↔ customer id links, one row per pair (read with FINAL). Written by identities_mv.';

CREATE TABLE spoor.order_items
(
    `site_id` LowCardinality(String),
    `order_id` String,
    `line` UInt16 COMMENT 'Position of the line in the order, from 1',
    `ordered_at` DateTime64(3, 'UTC'),
    `visitor_id` String,
    `user_id` String,
    `product_id` String,
    `name` String,
    `category` LowCardinality(String),
    `brand` LowCardinality(String),
    `variant` String,
    `price` Decimal(18, 4),
    `quantity` UInt32,
    `currency` LowCardinality(String),
    `event_id` UUID
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ordered_at)
ORDER BY (site_id, order_id, line)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'One row per purchased item line (read with FINAL: an order sent twice collapses to one). Written by order_items_mv.';

CREATE TABLE spoor.order_refunds
(
    `site_id` LowCardinality(String),
    `order_id` String,
    `user_id` String,
    `visitor_id` String,
    `amounts` AggregateFunction(1, maxMap, Array(UUID), Array(Decimal(18, 4))),
    `refunded_at` AggregateFunction(1, minMap, Array(UUID), Array(DateTime64(3, 'UTC')))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, order_id, user_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Refunds per order (aggregate states keyed by refund event id, amount and time), written by order_refunds_mv. Read by prediction_inputs.';

CREATE TABLE spoor.order_sources
(
    `site_id` LowCardinality(String),
    `day` Date COMMENT 'UTC day of the purchase events in this row',
    `order_id` String,
    `placed_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'Earliest time any sender gave for the order that day',
    `seen_by_browser` SimpleAggregateFunction(max, UInt8) COMMENT '1 when the tag (sender browser) reported the purchase',
    `seen_by_server` SimpleAggregateFunction(max, UInt8) COMMENT '1 when the shop backend, a webhook or an import reported it',
    `revenue` SimpleAggregateFunction(max, Decimal(18, 4)) COMMENT 'Highest revenue sent for the order (as daily_stats counts it)'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, order_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Which senders reported each order (browser, server or both) per site and day, written by order_sources_mv. Query order_reconciliation or daily_stats instead.';

CREATE TABLE spoor.prediction_fits
(
    `site_id` LowCardinality(String),
    `model` LowCardinality(String) COMMENT 'bgnbd (purchases, P(alive)) or gamma_gamma (value per order)',
    `as_of` Date COMMENT 'The inputs were computed from orders up to the end of this UTC day',
    `fitted_at` DateTime64(3, 'UTC') COMMENT 'When the attempt ran',
    `status` LowCardinality(String) COMMENT 'fitted, or refused (too few repeat buyers, no convergence, ...)',
    `reason` String COMMENT 'Why a fit was refused; empty when fitted',
    `params` Map(String, Float64) COMMENT 'bgnbd: r, alpha, a, b (weeks); gamma_gamma: p, q, gamma. Empty when refused',
    `log_likelihood` Float64 COMMENT 'At the fitted parameters; 0 when refused',
    `customers` UInt64 COMMENT 'Customers the model was fitted on: bgnbd all with an order, gamma_gamma the repeat buyers with a positive mean value',
    `repeat_buyers` UInt64 COMMENT 'Customers with at least one repeat purchase day',
    `iterations` UInt32 COMMENT 'Simplex steps of the optimiser, over all its starts and restarts',
    `fit_ms` UInt32 COMMENT 'Time the fit took'
)
ENGINE = MergeTree
ORDER BY (site_id, model, as_of, fitted_at)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Every fit attempt of the purchase models per site: fitted (with parameters) or refused (with the reason). Query prediction_models for the fitted ones.';

CREATE TABLE spoor.product_pairs
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `other_id` String,
    `orders` AggregateFunction(uniqExact, String) COMMENT 'Orders that held both products',
    `sessions` AggregateFunction(uniqExact, String) COMMENT 'Sessions that viewed or carted both products'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, product_id, other_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per ordered product pair, written by product_pairs_bought_mv and product_pairs_viewed_mv. Query product_affinities instead.';

CREATE TABLE spoor.products
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `name` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `category` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `price` AggregateFunction(argMax, Decimal(18, 4), DateTime64(3, 'UTC')),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `repurchase` AggregateFunction(argMaxIf, UInt8, DateTime64(3, 'UTC'), UInt8),
    `orders` AggregateFunction(uniqExactIf, String, UInt8),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, product_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per product, written by products_mv from viewed, carted and ordered items. Query product_stats instead.';

CREATE TABLE spoor.rejected_events
(
    `received_at` DateTime64(3, 'UTC'),
    `site_id` LowCardinality(String),
    `batch_id` String,
    `job_id` String DEFAULT '' COMMENT 'The queue job that carried the refusal (site.batch_id.digest); empty for rows older than this column',
    `event_index` Int32 COMMENT 'Position in the batch; -1 when the whole request was refused',
    `event_id` String COMMENT 'The event_id as sent, if there was one',
    `reason` LowCardinality(String) COMMENT 'invalid_json, depth_exceeded, invalid_batch, invalid_event, event_too_large, too_old, insert_failed',
    `path` String COMMENT 'Field that failed, e.g. events.3.order.revenue',
    `message` String,
    `raw` String COMMENT 'The payload as received, truncated to 8 KiB',
    `stage` LowCardinality(String) COMMENT 'collector or worker'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, received_at)
TTL toDateTime(received_at) + toIntervalDay(90)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'One row per refused event (or refused request), with the reason and the raw payload.';

CREATE TABLE spoor.rfm_thresholds
(
    `site_id` LowCardinality(String),
    `as_of` Date COMMENT 'The day recency was counted to',
    `customers` UInt64 COMMENT 'Customers of the site who ordered',
    `recency_cuts` Array(UInt32) COMMENT 'Recency values whose exceeding earns R 2..5 (score = 1 + cuts above the value)',
    `orders_cuts` Array(UInt64) COMMENT 'Order counts to exceed for F 2..5 (score = 1 + cuts below the value)',
    `revenue_cuts` Array(Decimal(38, 4)) COMMENT 'Revenues to exceed for M 2..5 (score = 1 + cuts below the value)',
    `refreshed_at` DateTime64(3, 'UTC') COMMENT 'When rfm_thresholds_mv computed the row'
)
ENGINE = ReplacingMergeTree(refreshed_at)
ORDER BY site_id
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'RFM score cuts per site, appended every 30 s by rfm_thresholds_mv; the latest row of a site (argMax by refreshed_at) is current. Read through customer_profiles.';

CREATE TABLE spoor.schema_migrations
(
    `version` UInt32,
    `name` String,
    `checksum` String,
    `applied_at` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY version
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Migrations applied by spoor migrate, one row per clickhouse/migrations file.';

CREATE TABLE spoor.segment_runs
(
    `feed` String,
    `run_id` UInt64,
    `segment` String,
    `destination` String COMMENT 'Scheme, host and path of the webhook (no query string)',
    `taken_at` DateTime64(3, 'UTC'),
    `members` UInt64,
    `entered` UInt64,
    `left` UInt64,
    `requests` UInt32 COMMENT 'POSTs the diff took',
    `delivered_at` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (feed, run_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'One row per delivered webhook run of a segment feed: members, entered, left.';

CREATE TABLE spoor.segment_snapshots
(
    `feed` String COMMENT 'Hash of segment, parameters, site and destination',
    `run_id` UInt64 COMMENT 'Epoch milliseconds of the run that took it',
    `site_id` LowCardinality(String),
    `person` String COMMENT 'c:<customer id>, or v:<visitor id> for an anonymous visitor',
    `user_id` String COMMENT 'The customer id; empty for an anonymous visitor',
    `visitor_id` String COMMENT 'The person\'s most recently seen browser at the time of the run',
    `row` String COMMENT 'The export row as JSON, as posted when the person entered'
)
ENGINE = MergeTree
ORDER BY (feed, run_id, site_id, person)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Members of each segment feed at its latest runs (webhook delivery state). Written by spoor segments export --to.';

CREATE TABLE spoor.session_products
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `session_id` String,
    `product_id` String,
    `first_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'First view or cart add of the product in the session',
    `last_at` SimpleAggregateFunction(max, DateTime64(3, 'UTC')) COMMENT 'Latest view or cart add of the product in the session',
    `carted` SimpleAggregateFunction(max, UInt8) COMMENT '1 once the session added it to a cart'
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id, session_id, product_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'One row per product a session viewed or added to its cart (bots excluded), written by session_products_mv; read with GROUP BY or FINAL.';

CREATE TABLE spoor.sessions
(
    `site_id` LowCardinality(String),
    `session_id` String,
    `visitor_id` SimpleAggregateFunction(min, String),
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `started_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `ended_at` SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    `events` AggregateFunction(uniqExact, UUID),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `clicks` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `entry_page` AggregateFunction(argMinIf, String, DateTime64(3, 'UTC'), UInt8),
    `exit_page` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `source` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `device` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `engaged` AggregateFunction(1, maxMapIf, Array(UUID), Array(UInt32), UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `is_bot` SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(toDate(started_at))
ORDER BY (site_id, session_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per session, written by sessions_mv. Query session_profiles instead.';

CREATE TABLE spoor.sites
(
    `site_id` String COMMENT 'The site id senders put in each batch (1-64 of a-z, 0-9, _ and -)',
    `origins` Array(String) COMMENT 'Page origins allowed to send, e.g. https://shop.example.com; * allows any origin',
    `cookie_domain` String COMMENT 'Domain attribute of the spoor_id cookie (e.g. example.com); empty for the collector host only',
    `deleted` UInt8 DEFAULT 0 COMMENT '1 once the site was removed',
    `updated_at` DateTime64(6, 'UTC') DEFAULT now64(6) COMMENT 'When this version of the site was written',
    `expose_traits` Array(String) DEFAULT [] COMMENT 'Traits a page may read about its own visitor through /v1/me; empty exposes none',
    `expose_segments` Array(String) DEFAULT [] COMMENT 'Segment names a page may see its own visitor in; empty exposes none',
    `repurchase_products` Array(String) DEFAULT [] COMMENT 'Product ids of consumables: recommended again to people who bought them',
    `key_hash` String DEFAULT '' COMMENT 'Hex SHA-256 of the site secret key (spoor sites key); empty when the site has none',
    `key_created_at` DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC') COMMENT 'When the current key was made (1970 when none)',
    `hook_secrets` Map(String, String) DEFAULT map() COMMENT 'Webhook secret per platform (shopify / woocommerce / stripe) sealed with SPOOR_SECRET_KEY; never in clear',
    `store_emails` UInt8 DEFAULT 0 COMMENT '1 when orders keep the buyer e-mail in clear (else only its keyed hash)'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY site_id
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Registered sites and their allowed origins: the newest row per site_id counts (argMax by updated_at), unless deleted = 1.';

CREATE TABLE spoor.stats_by_day
(
    `site_id` LowCardinality(String),
    `day` Date,
    `visitors` AggregateFunction(uniqExact, String),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `checkouts` AggregateFunction(uniqExactIf, UUID, UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `converted_sessions` AggregateFunction(uniqExactIf, String, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192
COMMENT 'Aggregate states per site and day, written by stats_by_day_mv. Query daily_stats instead.';

CREATE TABLE spoor.visitor_activity
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `first_seen` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `clicks` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_removes` AggregateFunction(uniqExactIf, UUID, UInt8),
    `checkouts` AggregateFunction(uniqExactIf, UUID, UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `pages` AggregateFunction(groupUniqArrayIf, Tuple(
        String,
        UUID), UInt8),
    `last_page` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `device` AggregateFunction(argMaxIf, Tuple(
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `first_touch` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `last_touch` AggregateFunction(argMaxIf, Tuple(
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `last_cart` AggregateFunction(argMaxIf, Tuple(
        String,
        UInt32,
        Decimal(18, 4)), DateTime64(3, 'UTC'), UInt8),
    `last_cart_change_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `last_purchase_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `is_bot` SimpleAggregateFunction(max, UInt8),
    `cookieless` SimpleAggregateFunction(max, UInt8)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 256
COMMENT 'Aggregate states per visitor, written by visitor_activity_mv. Query visitor_profiles instead.';

CREATE VIEW spoor.cart_states
(
    `site_id` LowCardinality(String),
    `cart_id` String,
    `visitor_id` SimpleAggregateFunction(min, String),
    `user_id` String,
    `created_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `changed_at` DateTime64(3, 'UTC'),
    `quantity` UInt32,
    `value` Decimal(18, 4),
    `product_ids` Array(String),
    `quantities` Array(UInt32),
    `prices` Array(Decimal(18, 4)),
    `currency` String,
    `emptied` UInt8,
    `purchased` Nullable(UInt8),
    `purchased_at` Nullable(DateTime64(3, 'UTC')),
    `order_id` String
)
COMMENT 'One row per cart: items, units and value after its last change, emptied (nothing left), purchased (bought after its last change).'
AS SELECT
    site_id,
    cart_id,
    visitor_id,
    user_id,
    created_at,
    changed_at,
    state.1 AS quantity,
    state.2 AS value,
    state.3 AS product_ids,
    state.4 AS quantities,
    state.5 AS prices,
    currency,
    (state.1) = 0 AS emptied,
    (purchased_at IS NOT NULL) AND (purchased_at >= changed_at) AS purchased,
    purchased_at,
    order_id
FROM
(
    SELECT
        site_id,
        cart_id,
        min(visitor_id) AS visitor_id,
        argMaxIfMerge(user_id) AS user_id,
        min(created_at) AS created_at,
        maxIfMerge(changed_at) AS changed_at,
        argMaxIfMerge(state) AS state,
        argMaxIfMerge(currency) AS currency,
        nullIf(maxIfMerge(purchased_at), toDateTime64(0, 3, 'UTC')) AS purchased_at,
        argMaxIfMerge(order_id) AS order_id
    FROM spoor.carts
    GROUP BY
        site_id,
        cart_id
);

CREATE MATERIALIZED VIEW spoor.carts_mv TO spoor.carts
(
    `site_id` LowCardinality(String),
    `cart_id` String,
    `visitor_id` String,
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `created_at` DateTime64(3, 'UTC'),
    `changed_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `state` AggregateFunction(argMaxIf, Tuple(
        UInt32,
        Decimal(18, 4),
        Array(String),
        Array(UInt32),
        Array(Decimal(18, 4))), DateTime64(3, 'UTC'), UInt8),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `purchased_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `order_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8)
)
AS SELECT
    site_id,
    cart_id,
    min(visitor_id) AS visitor_id,
    argMaxIfState(user_id, ts, user_id != '') AS user_id,
    min(ts) AS created_at,
    maxIfState(ts, type != 'purchase') AS changed_at,
    argMaxIfState((cart_quantity, cart_value, `items.product_id`, `items.quantity`, `items.price`), ts, type != 'purchase') AS state,
    argMaxIfState(toString(currency), ts, currency != '') AS currency,
    maxIfState(ts, type = 'purchase') AS purchased_at,
    argMaxIfState(order_id, ts, type = 'purchase') AS order_id
FROM spoor.events
WHERE (cart_id != '') AND (type IN ('cart_view', 'cart_add', 'cart_remove', 'checkout', 'purchase'))
GROUP BY
    site_id,
    cart_id;

CREATE VIEW spoor.customer_figures
(
    `site_id` LowCardinality(String),
    `customer_id` String,
    `visitor_ids` Array(String),
    `revenue_map` Tuple(
        Array(String),
        Array(Decimal(18, 4))),
    `time_map` Tuple(
        Array(String),
        Array(DateTime64(3, 'UTC'))),
    `units_map` Tuple(
        Array(String),
        Array(UInt32)),
    `refund_map` Tuple(
        Array(UUID),
        Array(Decimal(18, 4))),
    `products` Array(String),
    `categories` Array(String),
    `currency` String,
    `orders` UInt64,
    `revenue` Decimal(38, 4),
    `items` UInt64,
    `distinct_products` UInt64,
    `distinct_categories` UInt64,
    `first_order_at` DateTime64(3, 'UTC'),
    `last_order_at` DateTime64(3, 'UTC'),
    `mean_days_between_orders` Float64,
    `as_of` Date,
    `recency_days` UInt32
)
COMMENT 'Transaction figures per customer who ordered (identified user, else anonymous visitor), without RFM: the part of customer_profiles a single customer is read from by primary key. Query customer_profiles instead.'
AS SELECT
    site_id,
    customer_id,
    groupUniqArray(visitor_id) AS visitor_ids,
    maxMapIfMerge(order_revenue) AS revenue_map,
    minMapIfMerge(order_time) AS time_map,
    maxMapIfMerge(order_units) AS units_map,
    maxMapIfMerge(refunds) AS refund_map,
    groupUniqArrayArrayIfMerge(products) AS products,
    groupUniqArrayArrayIfMerge(categories) AS categories,
    argMaxIfMerge(currency) AS currency,
    length(revenue_map.1) AS orders,
    arraySum(revenue_map.2) - arraySum(refund_map.2) AS revenue,
    arraySum(units_map.2) AS items,
    length(products) AS distinct_products,
    length(categories) AS distinct_categories,
    arrayMin(time_map.2) AS first_order_at,
    arrayMax(time_map.2) AS last_order_at,
    if(orders > 1, round((dateDiff('second', first_order_at, last_order_at) / 86400) / (orders - 1), 2), 0) AS mean_days_between_orders,
    today() AS as_of,
    toUInt32(greatest(0, dateDiff('day', toDate(last_order_at), as_of))) AS recency_days
FROM
(
    SELECT
        site_id,
        user_id AS customer_id,
        visitor_id,
        order_revenue,
        order_time,
        order_units,
        refunds,
        products,
        categories,
        currency
    FROM spoor.customer_transactions
    WHERE user_id != ''
    UNION ALL
    SELECT
        ct.site_id AS site_id,
        ct.visitor_id AS customer_id,
        ct.visitor_id AS visitor_id,
        ct.order_revenue AS order_revenue,
        ct.order_time AS order_time,
        ct.order_units AS order_units,
        ct.refunds AS refunds,
        ct.products AS products,
        ct.categories AS categories,
        ct.currency AS currency
    FROM spoor.customer_transactions AS ct
    ANTI LEFT JOIN spoor.identity_map AS i ON (i.site_id = ct.site_id) AND (i.visitor_id = ct.visitor_id)
    WHERE ct.user_id = ''
    UNION ALL
    SELECT
        ct.site_id AS site_id,
        im.customer_id AS customer_id,
        ct.visitor_id AS visitor_id,
        ct.order_revenue AS order_revenue,
        ct.order_time AS order_time,
        ct.order_units AS order_units,
        ct.refunds AS refunds,
        ct.products AS products,
        ct.categories AS categories,
        ct.currency AS currency
    FROM spoor.customer_transactions AS ct
    INNER JOIN spoor.identity_map AS im ON (im.site_id = ct.site_id) AND (im.visitor_id = ct.visitor_id)
    WHERE ct.user_id = ''
)
GROUP BY
    site_id,
    customer_id
HAVING orders > 0;

CREATE VIEW spoor.customer_predictions
(
    `site_id` LowCardinality(String),
    `customer_id` String,
    `as_of` Date,
    `orders` UInt64,
    `x` UInt32,
    `t_x` Float64,
    `T` Float64,
    `t_x_days` UInt32,
    `T_days` UInt32,
    `first_order_at` DateTime64(3, 'UTC'),
    `last_order_at` DateTime64(3, 'UTC'),
    `mean_repeat_value` Decimal(18, 4),
    `p_alive` Float64,
    `expected_purchases_30d` Float64,
    `expected_purchases_90d` Float64,
    `expected_purchases_365d` Float64,
    `expected_order_value` Decimal(18, 4),
    `predicted_value_365d` Decimal(18, 4),
    `next_purchase_at` Nullable(DateTime64(3, 'UTC')),
    `value_score` UInt8,
    `method` String,
    `value_method` String,
    `method_reason` String,
    `bgnbd_params` Map(String, Float64),
    `gamma_gamma_params` Map(String, Float64),
    `model_as_of` Nullable(Date)
)
COMMENT 'Predictions per customer as of today: inputs (x, t_x, T in weeks), p_alive, expected purchases in 30/90/365 days, expected order value, predicted value over 365 days, next purchase, value_score 1-5 (quintile), method bgnbd or heuristic, and the site\'s parameters.'
AS WITH
    u -> if(abs(u) < 0.00001, (u + ((u * u) / 2)) + (((u * u) * u) / 6), exp(u) - 1) AS em1,
    ((sa, sb, z) -> ((12 + (40 / (-log(z)))) + (((3 * (sa + sb)) * z) / (1 - z)))) AS series_terms,
    (n -> toUInt32(if(isFinite(n) AND (n > 0), least(n, 100000), 0))) AS terms,
    ((ga, gb, gc, z, n) -> arrayConcat([0.], arrayCumSum(arrayMap(k -> log((((ga + k) * (gb + k)) * z) / ((gc + k) * (k + 1))), range(1, n))))) AS series_logs,
    ((v, vmax) -> (vmax + log(arraySum(arrayMap(e -> exp(e - vmax), v))))) AS log_sum_exp,
    ((ga, gb, gc, ea, z, l0, ls) -> ((((-gc) * em1(l0)) - exp((l0 + log((ga * gb) * z)) + ls)) / (ea - 1))) AS alive_expected,
    (v -> if(isFinite(v), greatest(v, 0.), 0.)) AS clean,
    (v -> toDecimal64(least(clean(v), 10000000000000.), 4)) AS money
SELECT
    site_id,
    customer_id,
    as_of,
    orders,
    x,
    t_x,
    T,
    t_x_days,
    T_days,
    first_order_at,
    last_order_at,
    mean_repeat_value,
    p_alive,
    expected_purchases_30d,
    expected_purchases_90d,
    expected_purchases_365d,
    expected_order_value,
    predicted_value_365d,
    next_purchase_at,
    toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY site_id ORDER BY predicted_value_365d ASC) - 1), count() OVER (PARTITION BY site_id))) AS value_score,
    method,
    value_method,
    method_reason,
    bgnbd_params,
    gamma_gamma_params,
    model_as_of
FROM
(
    SELECT
        h.site_id AS site_id,
        c.1 AS customer_id,
        h.as_of AS as_of,
        c.2 AS orders,
        h.x AS x,
        c.3 AS t_x,
        h.T AS T,
        c.4 AS t_x_days,
        h.T_days AS T_days,
        c.5 AS first_order_at,
        c.6 AS last_order_at,
        c.7 AS mean_repeat_value,
        c.8 AS mean_day_value,
        c.9 AS last_purchase_day,
        h.use_bgnbd AS use_bgnbd,
        h.bgnbd_params AS bgnbd_params,
        h.gamma_gamma_params AS gamma_gamma_params,
        h.model_as_of AS model_as_of,
        h.method AS method,
        h.method_reason AS method_reason,
        h.m_r AS m_r,
        h.m_alpha AS m_alpha,
        h.m_a AS m_a,
        h.m_b AS m_b,
        if(x = 0, 1., 1 / (1 + exp((log(m_a) - log((m_b + x) - 1)) + ((m_r + x) * (log(m_alpha + T) - log(m_alpha + t_x)))))) AS bg_p_alive,
        greatest(7., if(x > 0, t_x_days / x, if(h.site_x > 0, h.site_t_x_days / h.site_x, 90.))) AS h_gap_days,
        exp((-(T_days - t_x_days)) / h_gap_days) AS h_p_alive,
        least(clean(if(use_bgnbd, bg_p_alive, h_p_alive)), 1.) AS p_alive,
        clean(if(use_bgnbd, bg_p_alive * h.alive_30d, (h_p_alive * 30) / h_gap_days)) AS expected_purchases_30d,
        clean(if(use_bgnbd, bg_p_alive * h.alive_90d, (h_p_alive * 90) / h_gap_days)) AS expected_purchases_90d,
        clean(if(use_bgnbd, bg_p_alive * h.alive_365d, (h_p_alive * 365) / h_gap_days)) AS expected_purchases_365d,
        (h.gg_status = 'fitted') AND ((gamma_gamma_params['q']) > 1) AS use_gamma_gamma,
        if(use_gamma_gamma, 'gamma_gamma', 'heuristic') AS value_method,
        gamma_gamma_params['p'] AS m_p,
        gamma_gamma_params['q'] AS m_q,
        gamma_gamma_params['gamma'] AS m_gamma,
        if(x >= 1, ((m_gamma + (greatest(toFloat64(mean_repeat_value), 0.) * x)) * m_p) / (((m_p * x) + m_q) - 1), (m_gamma * m_p) / (m_q - 1)) AS gg_value,
        greatest(toFloat64(if(x > 0, mean_repeat_value, mean_day_value)), 0.) AS h_value,
        money(if(use_gamma_gamma, gg_value, h_value)) AS expected_order_value,
        money(expected_purchases_365d * toFloat64(expected_order_value)) AS predicted_value_365d,
        if(bg_p_alive > 0.5, ((m_alpha + T) * em1((-log1p(-1 / (2 * bg_p_alive))) / (m_r + x))) * 7, NULL) AS bg_next_days,
        if(use_bgnbd, if(isFinite(bg_next_days) AND (bg_next_days <= 3650), toDateTime64(as_of, 3, 'UTC') + toIntervalMillisecond(toInt64(bg_next_days * 86400000)), NULL), toDateTime64(last_purchase_day, 3, 'UTC') + toIntervalMillisecond(toInt64(h_gap_days * 86400000))) AS next_purchase_at
    FROM
    (
        SELECT
            i.site_id AS site_id,
            i.as_of AS as_of,
            i.x AS x,
            i.T_days AS T_days,
            i.T AS T,
            groupArray((i.customer_id, i.orders, i.t_x, i.t_x_days, i.first_order_at, i.last_order_at, i.mean_repeat_value, i.mean_day_value, i.last_purchase_day)) AS customers,
            any(i.site_t_x_days) AS site_t_x_days,
            any(i.site_x) AS site_x,
            any(bg.status) = 'fitted' AS use_bgnbd,
            any(bg.params) AS bgnbd_params,
            any(gg.params) AS gamma_gamma_params,
            any(gg.status) AS gg_status,
            if(use_bgnbd, any(bg.as_of), NULL) AS model_as_of,
            if(use_bgnbd, 'bgnbd', 'heuristic') AS method,
            multiIf(use_bgnbd, '', any(bg.status) = '', 'no model has been fitted for this site yet', any(bg.reason)) AS method_reason,
            bgnbd_params['r'] AS m_r,
            bgnbd_params['alpha'] AS m_alpha,
            bgnbd_params['b'] AS m_b,
            bgnbd_params['a'] AS m_a,
            abs(m_a - 1) < 0.0001 AS m_near_one,
            if(m_near_one, 1 - 0.0001, m_a) AS m_a_lo,
            1 + 0.0001 AS m_a_hi,
            (m_a - m_a_lo) / 0.0002 AS m_weight,
            m_r + x AS g_A,
            m_b + x AS g_B,
            ((m_a_lo + m_b) + x) - 1 AS g_C_lo,
            ((m_a_hi + m_b) + x) - 1 AS g_C_hi,
            arrayMap(t -> ((t / 7) / ((m_alpha + T) + (t / 7)), (-g_A) * log1p((t / 7) / (m_alpha + T)), terms(if(use_bgnbd, series_terms(g_A, g_B, (t / 7) / ((m_alpha + T) + (t / 7))), 0))), [30, 90, 365]) AS h_zln,
            arrayMap(h -> (h.1, h.2, series_logs(g_A, g_B, g_C_lo, h.1, h.3), series_logs(g_A, g_B, g_C_hi, h.1, if(m_near_one, h.3, 0))), h_zln) AS h_series,
            arrayMap(h -> (alive_expected(g_A, g_B, g_C_lo, m_a_lo, h.1, h.2, log_sum_exp(h.3, arrayMax(h.3))), alive_expected(g_A, g_B, g_C_hi, m_a_hi, h.1, h.2, log_sum_exp(h.4, arrayMax(h.4)))), h_series) AS h_e,
            arrayMap(e -> if(use_bgnbd, if(m_near_one, (e.1) + (m_weight * ((e.2) - (e.1))), e.1), 0.), h_e) AS h_alive,
            h_alive[1] AS alive_30d,
            h_alive[2] AS alive_90d,
            h_alive[3] AS alive_365d
        FROM
        (
            SELECT
                *,
                sum(t_x_days) OVER (PARTITION BY site_id) AS site_t_x_days,
                sum(x) OVER (PARTITION BY site_id) AS site_x
            FROM `spoor.prediction_inputs`(as_of = toDate(now(), 'UTC'))
        ) AS i
        LEFT JOIN
        (
            SELECT
                site_id,
                latest.1 AS status,
                latest.2 AS reason,
                latest.3 AS params,
                latest.4 AS as_of
            FROM
            (
                SELECT
                    site_id,
                    argMax((status, reason, params, as_of), (as_of, fitted_at)) AS latest
                FROM spoor.prediction_fits
                WHERE model = 'bgnbd'
                GROUP BY site_id
            )
        ) AS bg ON bg.site_id = i.site_id
        LEFT JOIN
        (
            SELECT
                site_id,
                latest.1 AS status,
                latest.3 AS params
            FROM
            (
                SELECT
                    site_id,
                    argMax((status, reason, params, as_of), (as_of, fitted_at)) AS latest
                FROM spoor.prediction_fits
                WHERE model = 'gamma_gamma'
                GROUP BY site_id
            )
        ) AS gg ON gg.site_id = i.site_id
        GROUP BY
            i.site_id,
            i.as_of,
            i.x,
            i.T_days,
            i.T
    ) AS h
    ARRAY JOIN h.customers AS c
);

CREATE VIEW spoor.customer_profiles
(
    `site_id` LowCardinality(String),
    `customer_id` String,
    `visitor_ids` Array(String),
    `orders` UInt64,
    `revenue` Decimal(38, 4),
    `avg_order_value` Decimal(38, 4),
    `items` UInt64,
    `products` Array(String),
    `categories` Array(String),
    `distinct_products` UInt64,
    `distinct_categories` UInt64,
    `first_order_at` DateTime64(3, 'UTC'),
    `last_order_at` DateTime64(3, 'UTC'),
    `mean_days_between_orders` Float64,
    `recency_days` UInt32,
    `r_score` UInt8,
    `f_score` UInt8,
    `m_score` UInt8,
    `lifecycle` String,
    `traits` Map(String, String),
    `currency` String,
    `as_of` Date
)
COMMENT 'Transaction profile with RFM, one row per customer who ordered (identified user, else anonymous visitor): orders (each order id once), revenue net of refunds, average order value, units, distinct products and categories, first/last order, mean days between orders, recency, r/f/m scores 1-5 (quintiles per site, from rfm_thresholds: at most 30 s behind), lifecycle new/active/at_risk/lapsed, identify traits.'
AS WITH
    (
        SELECT groupArray((site_id, latest.1, latest.2, latest.3, latest.4))
        FROM
        (
            SELECT
                site_id,
                argMax((as_of, recency_cuts, orders_cuts, revenue_cuts), refreshed_at) AS latest
            FROM spoor.rfm_thresholds
            GROUP BY site_id
        )
    ) AS site_cuts,
    arrayFirst(x -> ((x.1) = c.site_id), site_cuts) AS r
SELECT
    c.site_id AS site_id,
    c.customer_id AS customer_id,
    c.visitor_ids AS visitor_ids,
    c.orders AS orders,
    c.revenue AS revenue,
    if(c.orders > 0, round(c.revenue / c.orders, 2), 0) AS avg_order_value,
    c.items AS items,
    c.products AS products,
    c.categories AS categories,
    c.distinct_products AS distinct_products,
    c.distinct_categories AS distinct_categories,
    c.first_order_at AS first_order_at,
    c.last_order_at AS last_order_at,
    c.mean_days_between_orders AS mean_days_between_orders,
    c.recency_days AS recency_days,
    toUInt8(1 + arrayCount(x -> (toUInt32(greatest(0, dateDiff('day', toDate(c.last_order_at), r.2))) < x), r.3)) AS r_score,
    toUInt8(1 + arrayCount(x -> (c.orders > x), r.4)) AS f_score,
    toUInt8(1 + arrayCount(x -> (c.revenue > x), r.5)) AS m_score,
    multiIf(c.orders = 1, multiIf(c.recency_days <= 30, 'new', c.recency_days <= 90, 'at_risk', 'lapsed'), c.recency_days <= (1.5 * greatest(7, c.mean_days_between_orders)), 'active', c.recency_days <= (3 * greatest(7, c.mean_days_between_orders)), 'at_risk', 'lapsed') AS lifecycle,
    t.traits AS traits,
    c.currency AS currency,
    c.as_of AS as_of
FROM spoor.customer_figures AS c
LEFT JOIN
(
    SELECT
        site_id,
        user_id,
        argMaxMerge(traits) AS traits
    FROM spoor.customer_traits
    GROUP BY
        site_id,
        user_id
) AS t ON (t.site_id = c.site_id) AND (t.user_id = c.customer_id);

CREATE MATERIALIZED VIEW spoor.customer_traits_mv TO spoor.customer_traits
(
    `site_id` LowCardinality(String),
    `user_id` String,
    `traits` AggregateFunction(argMax, Map(String, String), DateTime64(3, 'UTC')),
    `identified_at` DateTime64(3, 'UTC')
)
AS SELECT
    site_id,
    user_id,
    argMaxState(traits, ts) AS traits,
    max(ts) AS identified_at
FROM spoor.events
WHERE (type = 'identify') AND (user_id != '')
GROUP BY
    site_id,
    user_id;

CREATE MATERIALIZED VIEW spoor.customer_transactions_mv TO spoor.customer_transactions
(
    `site_id` LowCardinality(String),
    `user_id` String,
    `visitor_id` String,
    `order_revenue` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `order_time` AggregateFunction(1, minMapIf, Array(String), Array(DateTime64(3, 'UTC')), UInt8),
    `order_units` AggregateFunction(1, maxMapIf, Array(String), Array(UInt32), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `products` AggregateFunction(groupUniqArrayArrayIf, Array(String), UInt8),
    `categories` AggregateFunction(groupUniqArrayArrayIf, Array(String), UInt8),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8)
)
AS SELECT
    site_id,
    user_id,
    visitor_id,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS order_revenue,
    minMapIfState([order_id], [ts], type = 'purchase') AS order_time,
    maxMapIfState([order_id], [quantity], type = 'purchase') AS order_units,
    maxMapIfState([event_id], [revenue], type = 'refund') AS refunds,
    groupUniqArrayArrayIfState(`items.product_id`, type = 'purchase') AS products,
    groupUniqArrayArrayIfState(arrayFilter(c -> (c != ''), `items.category`), type = 'purchase') AS categories,
    argMaxIfState(toString(currency), ts, type = 'purchase') AS currency
FROM spoor.events
WHERE (type IN ('purchase', 'refund')) AND (order_id != '')
GROUP BY
    site_id,
    user_id,
    visitor_id;

CREATE VIEW spoor.daily_stats
(
    `site_id` LowCardinality(String),
    `day` Date,
    `visitors` UInt64,
    `sessions` UInt64,
    `pageviews` UInt64,
    `cart_adds` UInt64,
    `checkouts` UInt64,
    `orders` UInt64,
    `revenue` Decimal(38, 4),
    `conversion_rate` Float64,
    `orders_browser_only` UInt64,
    `orders_server_only` UInt64,
    `orders_both` UInt64,
    `tracking_loss` Nullable(Float64)
)
COMMENT 'One row per site and UTC day, people only (bots excluded): visitors, sessions, pageviews, cart adds, checkouts, orders (each order id once, on the day it was placed), revenue net of refunds (refunds on the day they happened), conversion rate (sessions with a purchase / sessions), and the reconciliation with the shop books: orders seen by the browser only, the server only, both, and tracking_loss (server-only share of the server orders, NULL without server orders).'
AS SELECT
    s.site_id AS site_id,
    s.day AS day,
    s.visitors AS visitors,
    s.sessions AS sessions,
    s.pageviews AS pageviews,
    s.cart_adds AS cart_adds,
    s.checkouts AS checkouts,
    length(s.orders_s.1) AS orders,
    arraySum(s.orders_s.2) - arraySum(s.refunds_s.2) AS revenue,
    if(s.sessions > 0, round(s.converted_sessions / s.sessions, 4), 0) AS conversion_rate,
    r.orders_browser_only AS orders_browser_only,
    r.orders_server_only AS orders_server_only,
    r.orders_both AS orders_both,
    r.tracking_loss AS tracking_loss
FROM
(
    SELECT
        site_id,
        day,
        uniqExactMerge(visitors) AS visitors,
        uniqExactIfMerge(sessions) AS sessions,
        uniqExactIfMerge(pageviews) AS pageviews,
        uniqExactIfMerge(cart_adds) AS cart_adds,
        uniqExactIfMerge(checkouts) AS checkouts,
        maxMapIfMerge(orders) AS orders_s,
        maxMapIfMerge(refunds) AS refunds_s,
        uniqExactIfMerge(converted_sessions) AS converted_sessions
    FROM spoor.stats_by_day
    GROUP BY
        site_id,
        day
) AS s
LEFT JOIN spoor.order_reconciliation AS r ON (r.site_id = s.site_id) AND (r.day = s.day);

CREATE MATERIALIZED VIEW spoor.identities_mv TO spoor.identities
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `user_id` String,
    `first_seen` DateTime64(3, 'UTC'),
    `last_seen` DateTime64(3, 'UTC')
)
AS SELECT
    site_id,
    visitor_id,
    user_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen
FROM spoor.events
WHERE user_id != ''
GROUP BY
    site_id,
    visitor_id,
    user_id;

CREATE VIEW spoor.identity_map
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `customer_id` String
)
COMMENT 'Resolves a visitor to its customer id: the user it was most recently identified as.'
AS SELECT
    site_id,
    visitor_id,
    argMax(user_id, last_seen) AS customer_id
FROM
(
    SELECT
        site_id,
        visitor_id,
        user_id,
        max(last_seen) AS last_seen
    FROM spoor.identities
    GROUP BY
        site_id,
        visitor_id,
        user_id
)
GROUP BY
    site_id,
    visitor_id;

CREATE MATERIALIZED VIEW spoor.order_items_mv TO spoor.order_items
(
    `site_id` LowCardinality(String),
    `order_id` String,
    `line` UInt16,
    `ordered_at` DateTime64(3, 'UTC'),
    `visitor_id` String,
    `user_id` String,
    `product_id` String,
    `name` String,
    `category` String,
    `brand` String,
    `variant` String,
    `price` Decimal(18, 4),
    `quantity` UInt32,
    `currency` LowCardinality(String),
    `event_id` UUID
)
AS SELECT
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
FROM spoor.events
ARRAY JOIN
    arrayZip(`items.product_id`, `items.name`, `items.category`, `items.brand`, `items.variant`, `items.price`, `items.quantity`) AS item,
    arrayEnumerate(`items.product_id`) AS line
WHERE (type = 'purchase') AND (order_id != '');

CREATE VIEW spoor.order_reconciliation
(
    `site_id` LowCardinality(String),
    `day` Date,
    `orders` UInt64,
    `orders_browser_only` UInt64,
    `orders_server_only` UInt64,
    `orders_both` UInt64,
    `orders_server` UInt64,
    `tracking_loss` Nullable(Float64),
    `revenue_server_only` Decimal(38, 4)
)
COMMENT 'One row per site and UTC day an order was placed (its earliest time from any sender), people only: orders, orders seen by the browser only, by the server only (backend, webhook or import), by both, the server total, tracking_loss = server-only / server orders (NULL when the server reported none that day) and the revenue of the server-only orders.'
AS SELECT
    site_id,
    toDate(placed_at) AS day,
    count() AS orders,
    countIf(browser AND (NOT server)) AS orders_browser_only,
    countIf(server AND (NOT browser)) AS orders_server_only,
    countIf(browser AND server) AS orders_both,
    countIf(server) AS orders_server,
    if(countIf(server) > 0, round(countIf(server AND (NOT browser)) / countIf(server), 4), NULL) AS tracking_loss,
    sumIf(revenue, server AND (NOT browser)) AS revenue_server_only
FROM
(
    SELECT
        site_id,
        order_id,
        min(placed_at) AS placed_at,
        max(seen_by_browser) = 1 AS browser,
        max(seen_by_server) = 1 AS server,
        max(revenue) AS revenue
    FROM spoor.order_sources
    GROUP BY
        site_id,
        order_id
)
GROUP BY
    site_id,
    day;

CREATE MATERIALIZED VIEW spoor.order_refunds_mv TO spoor.order_refunds
(
    `site_id` LowCardinality(String),
    `order_id` String,
    `user_id` String,
    `visitor_id` String,
    `amounts` AggregateFunction(1, maxMap, Array(UUID), Array(Decimal(18, 4))),
    `refunded_at` AggregateFunction(1, minMap, Array(UUID), Array(DateTime64(3, 'UTC')))
)
AS SELECT
    site_id,
    order_id,
    user_id,
    visitor_id,
    maxMapState([event_id], [revenue]) AS amounts,
    minMapState([event_id], [ts]) AS refunded_at
FROM spoor.events
WHERE (type = 'refund') AND (order_id != '')
GROUP BY
    site_id,
    order_id,
    user_id,
    visitor_id;

CREATE MATERIALIZED VIEW spoor.order_sources_mv TO spoor.order_sources
(
    `site_id` LowCardinality(String),
    `day` Date,
    `order_id` String,
    `placed_at` DateTime64(3, 'UTC'),
    `seen_by_browser` UInt8,
    `seen_by_server` UInt8,
    `revenue` Decimal(18, 4)
)
AS SELECT
    site_id,
    toDate(ts) AS day,
    order_id,
    min(ts) AS placed_at,
    max(sender = 'browser') AS seen_by_browser,
    max(sender != 'browser') AS seen_by_server,
    max(revenue) AS revenue
FROM spoor.events
WHERE (type = 'purchase') AND (order_id != '') AND (is_bot = 0)
GROUP BY
    site_id,
    day,
    order_id;

CREATE VIEW spoor.prediction_inputs
COMMENT 'Purchase-model inputs per customer as of a date (call as prediction_inputs(as_of = \'YYYY-MM-DD\')): purchase days, x (repeat purchase days), t_x and T in days and weeks, mean repeat-day value net of refunds.'
AS SELECT
    site_id,
    customer_id,
    {as_of:Date} AS as_of,
    toUInt64(sum(day_orders)) AS orders,
    toUInt32(count()) AS purchase_days,
    toUInt32(purchase_days - 1) AS x,
    min(day) AS first_purchase_day,
    max(day) AS last_purchase_day,
    toUInt32(dateDiff('day', first_purchase_day, last_purchase_day)) AS t_x_days,
    toUInt32(dateDiff('day', first_purchase_day, as_of)) AS T_days,
    t_x_days / 7 AS t_x,
    T_days / 7 AS T,
    min(first_at) AS first_order_at,
    max(last_at) AS last_order_at,
    sum(day_value) AS net_revenue,
    argMin(day_value, day) AS first_day_value,
    toDecimal64(if(x > 0, (net_revenue - first_day_value) / x, 0), 4) AS mean_repeat_value,
    toDecimal64(net_revenue / purchase_days, 4) AS mean_day_value
FROM
(
    SELECT
        site_id,
        customer_id,
        toDate(ordered_at) AS day,
        count() AS day_orders,
        sum(net) AS day_value,
        min(ordered_at) AS first_at,
        max(ordered_at) AS last_at
    FROM
    (
        SELECT
            o.site_id AS site_id,
            o.customer_id AS customer_id,
            o.ordered_at AS ordered_at,
            o.revenue - ifNull(rf.refunded, 0) AS net
        FROM
        (
            SELECT
                site_id,
                customer_id,
                line.1 AS order_id,
                line.2 AS ordered_at,
                line.3 AS revenue
            FROM
            (
                SELECT
                    site_id,
                    customer_id,
                    minMapIfMerge(order_time) AS time_map,
                    maxMapIfMerge(order_revenue) AS revenue_map
                FROM
                (
                    SELECT
                        ct.site_id AS site_id,
                        if(ct.user_id != '', ct.user_id, if(im.customer_id != '', im.customer_id, ct.visitor_id)) AS customer_id,
                        ct.order_time AS order_time,
                        ct.order_revenue AS order_revenue
                    FROM spoor.customer_transactions AS ct
                    LEFT JOIN spoor.identity_map AS im ON (im.site_id = ct.site_id) AND (im.visitor_id = ct.visitor_id)
                )
                GROUP BY
                    site_id,
                    customer_id
            )
            ARRAY JOIN arrayZip(time_map.1, time_map.2, revenue_map.2) AS line
            WHERE toDate(line.2) <= {as_of:Date}
        ) AS o
        LEFT JOIN
        (
            SELECT
                site_id,
                order_id,
                arraySum(arrayMap((amount, at) -> if(toDate(at) <= {as_of:Date}, amount, toDecimal64(0, 4)), amounts.2, times.2)) AS refunded
            FROM
            (
                SELECT
                    site_id,
                    order_id,
                    maxMapMerge(amounts) AS amounts,
                    minMapMerge(refunded_at) AS times
                FROM spoor.order_refunds
                GROUP BY
                    site_id,
                    order_id
            )
        ) AS rf ON (rf.site_id = o.site_id) AND (rf.order_id = o.order_id)
    )
    GROUP BY
        site_id,
        customer_id,
        day
)
GROUP BY
    site_id,
    customer_id;

CREATE VIEW spoor.prediction_models
(
    `site_id` LowCardinality(String),
    `model` LowCardinality(String),
    `as_of` Date,
    `params` Map(String, Float64),
    `log_likelihood` Float64,
    `customers` UInt64,
    `fitted_at` DateTime64(3, 'UTC'),
    `repeat_buyers` UInt64,
    `iterations` UInt32,
    `fit_ms` UInt32
)
COMMENT 'One row per fitted purchase model: site, model (bgnbd: r, alpha, a, b; gamma_gamma: p, q, gamma), as-of date, parameters, log-likelihood, customers, fit time.'
AS SELECT
    site_id,
    model,
    as_of,
    params,
    log_likelihood,
    customers,
    fitted_at,
    repeat_buyers,
    iterations,
    fit_ms
FROM spoor.prediction_fits
WHERE status = 'fitted';

CREATE VIEW spoor.product_affinities
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `other_id` String,
    `orders` UInt64,
    `sessions` UInt64
)
COMMENT 'One row per ordered product pair (bots excluded): orders that held both (bought together) and sessions that viewed or carted both (viewed together), each counted once. Both directions are stored.'
AS SELECT
    site_id,
    product_id,
    other_id,
    uniqExactMerge(orders) AS orders,
    uniqExactMerge(sessions) AS sessions
FROM spoor.product_pairs
GROUP BY
    site_id,
    product_id,
    other_id;

CREATE MATERIALIZED VIEW spoor.product_pairs_bought_mv TO spoor.product_pairs
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `other_id` String,
    `orders` AggregateFunction(uniqExact, String)
)
AS SELECT
    site_id,
    pair.1 AS product_id,
    pair.2 AS other_id,
    uniqExactState(order_id) AS orders
FROM spoor.events
ARRAY JOIN arrayFlatten(arrayMap(a -> arrayMap(b -> (a, b), arrayFilter(b -> (b != a), ids)), arraySlice(arrayDistinct(arrayFilter(x -> (x != ''), `items.product_id`)), 1, 20) AS ids)) AS pair
WHERE (type = 'purchase') AND (order_id != '') AND (is_bot = 0)
GROUP BY
    site_id,
    product_id,
    other_id;

CREATE MATERIALIZED VIEW spoor.product_pairs_viewed_mv TO spoor.product_pairs
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `other_id` String,
    `sessions` AggregateFunction(uniqExact, String)
)
AS SELECT
    site_id,
    pair.1 AS product_id,
    pair.2 AS other_id,
    uniqExactState(session_id) AS sessions
FROM
(
    SELECT
        n.site_id AS site_id,
        n.session_id AS session_id,
        n.fresh AS fresh,
        arraySlice(arrayDistinct(arrayMap(x -> (x.2), arraySort(arrayConcat(n.fresh_at, o.seen_at)))), 1, 20) AS top
    FROM
    (
        SELECT
            site_id,
            visitor_id,
            session_id,
            groupArray(product_id) AS fresh,
            groupArray((first_at, product_id)) AS fresh_at
        FROM
        (
            SELECT
                site_id,
                visitor_id,
                session_id,
                product_id,
                min(ts) AS first_at
            FROM spoor.events
            WHERE (is_bot = 0) AND (session_id != '') AND (product_id != '') AND ((type = 'cart_add') OR ((type = 'custom') AND (name = 'view_item')))
            GROUP BY
                site_id,
                visitor_id,
                session_id,
                product_id
        )
        GROUP BY
            site_id,
            visitor_id,
            session_id
    ) AS n
    LEFT JOIN
    (
        SELECT
            site_id,
            visitor_id,
            session_id,
            groupArray((first_at, product_id)) AS seen_at
        FROM
        (
            SELECT
                site_id,
                visitor_id,
                session_id,
                product_id,
                min(first_at) AS first_at
            FROM spoor.session_products
            WHERE (site_id, visitor_id, session_id) IN (
                SELECT
                    site_id,
                    visitor_id,
                    session_id
                FROM spoor.events
                WHERE (is_bot = 0) AND (session_id != '') AND (product_id != '') AND ((type = 'cart_add') OR ((type = 'custom') AND (name = 'view_item')))
            )
            GROUP BY
                site_id,
                visitor_id,
                session_id,
                product_id
        )
        GROUP BY
            site_id,
            visitor_id,
            session_id
    ) AS o ON (o.site_id = n.site_id) AND (o.visitor_id = n.visitor_id) AND (o.session_id = n.session_id)
)
ARRAY JOIN arrayFlatten(arrayMap(f -> arrayFlatten(arrayMap(x -> [(f, x), (x, f)], arrayFilter(x -> (x != f), top))), arrayFilter(f -> has(top, f), fresh))) AS pair
GROUP BY
    site_id,
    product_id,
    other_id;

CREATE VIEW spoor.product_stats
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `name` String,
    `category` String,
    `price` Decimal(18, 4),
    `currency` String,
    `repurchase` UInt8,
    `orders` UInt64,
    `sessions` UInt64,
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
COMMENT 'One row per product shoppers met: latest name, category, price and currency, repurchase (a consumable, from props.repurchase), orders containing it and sessions that viewed or carted it (each once, bots excluded), last seen.'
AS SELECT
    site_id,
    product_id,
    argMaxIfMerge(name) AS name,
    argMaxIfMerge(category) AS category,
    argMaxMerge(price) AS price,
    argMaxIfMerge(currency) AS currency,
    argMaxIfMerge(repurchase) = 1 AS repurchase,
    uniqExactIfMerge(orders) AS orders,
    uniqExactIfMerge(sessions) AS sessions,
    max(last_seen) AS last_seen
FROM spoor.products
GROUP BY
    site_id,
    product_id;

CREATE MATERIALIZED VIEW spoor.products_mv TO spoor.products
(
    `site_id` LowCardinality(String),
    `product_id` String,
    `name` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `category` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `price` AggregateFunction(argMax, Decimal(18, 4), DateTime64(3, 'UTC')),
    `currency` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `repurchase` AggregateFunction(argMaxIf, UInt8, DateTime64(3, 'UTC'), UInt8),
    `orders` AggregateFunction(uniqExactIf, String, UInt8),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `last_seen` DateTime64(3, 'UTC')
)
AS SELECT
    site_id,
    line_id AS product_id,
    argMaxIfState(line_name, ts, line_name != '') AS name,
    argMaxIfState(line_category, ts, line_category != '') AS category,
    argMaxState(line_price, ts) AS price,
    argMaxIfState(line_currency, ts, line_currency != '') AS currency,
    argMaxIfState(line_repurchase, ts, line_says_repurchase) AS repurchase,
    uniqExactIfState(order_id, is_order AND (is_bot = 0)) AS orders,
    uniqExactIfState(session_id, (session_id != '') AND (NOT is_order) AND (event_type != 'cart_remove') AND (is_bot = 0)) AS sessions,
    max(ts) AS last_seen
FROM
(
    SELECT
        site_id,
        ts,
        order_id,
        session_id,
        is_bot,
        toString(type) AS event_type,
        type = 'purchase' AS is_order,
        line.1 AS line_id,
        line.2 AS line_name,
        line.3 AS line_category,
        line.4 AS line_price,
        toString(currency) AS line_currency,
        toUInt8((props['repurchase']) IN ('true', '1')) AS line_repurchase,
        mapContains(props, 'repurchase') AND (NOT is_order) AS line_says_repurchase
    FROM spoor.events
    ARRAY JOIN if(type = 'purchase', arrayZip(`items.product_id`, `items.name`, `items.category`, `items.price`), [(product_id, product_name, toString(product_category), price)]) AS line
    WHERE ((type = 'purchase') AND (order_id != '')) OR (type IN ('cart_add', 'cart_remove')) OR ((type = 'custom') AND (name = 'view_item'))
)
WHERE line_id != ''
GROUP BY
    site_id,
    product_id;

CREATE MATERIALIZED VIEW spoor.rfm_thresholds_mv
REFRESH EVERY 30 SECOND APPEND TO spoor.rfm_thresholds
(
    `site_id` LowCardinality(String),
    `as_of` Date,
    `customers` UInt64,
    `recency_cuts` Array(UInt32),
    `orders_cuts` Array(UInt64),
    `revenue_cuts` Array(Decimal(38, 4)),
    `refreshed_at` DateTime64(3)
)
DEFINER = default SQL SECURITY DEFINER
COMMENT 'Recomputes rfm_thresholds from customer_figures every 30 seconds.'
AS WITH
    arrayMap(s -> toUInt64(ceil(((s - 1) * count()) / 5)), [2, 3, 4, 5]) AS positions,
    arraySort(x -> (-x), groupArray(recency_days)) AS recency_desc,
    arraySort(groupArray(orders)) AS orders_asc,
    arraySort(groupArray(revenue)) AS revenue_asc
SELECT
    site_id,
    any(as_of) AS as_of,
    count() AS customers,
    arrayMap(k -> toUInt32(recency_desc[k]), positions) AS recency_cuts,
    arrayMap(k -> toUInt64(orders_asc[k]), positions) AS orders_cuts,
    arrayMap(k -> (revenue_asc[k]), positions) AS revenue_cuts,
    now64(3) AS refreshed_at
FROM spoor.customer_figures
GROUP BY site_id;

CREATE MATERIALIZED VIEW spoor.session_products_mv TO spoor.session_products
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `session_id` String,
    `product_id` String,
    `first_at` DateTime64(3, 'UTC'),
    `last_at` DateTime64(3, 'UTC'),
    `carted` UInt8
)
AS SELECT
    site_id,
    visitor_id,
    session_id,
    product_id,
    min(ts) AS first_at,
    max(ts) AS last_at,
    max(toUInt8(type = 'cart_add')) AS carted
FROM spoor.events
WHERE (is_bot = 0) AND (session_id != '') AND (product_id != '') AND ((type = 'cart_add') OR ((type = 'custom') AND (name = 'view_item')))
GROUP BY
    site_id,
    visitor_id,
    session_id,
    product_id;

CREATE VIEW spoor.session_profiles
(
    `site_id` LowCardinality(String),
    `session_id` String,
    `visitor_id` SimpleAggregateFunction(min, String),
    `user_id` String,
    `started_at` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `ended_at` SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    `duration_s` Int64,
    `events` UInt64,
    `pageviews` UInt64,
    `clicks` UInt64,
    `cart_adds` UInt64,
    `entry_page` String,
    `exit_page` String,
    `referrer` String,
    `referrer_domain` String,
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `device_type` String,
    `browser` String,
    `os` String,
    `engaged_ms` UInt64,
    `bounce` UInt8,
    `orders` UInt64,
    `revenue` Decimal(38, 4),
    `converted` UInt8,
    `is_bot` SimpleAggregateFunction(max, UInt8)
)
COMMENT 'One row per session: start, end, duration, pageviews, entry and exit page, source of the session (its first pageview), bounce (at most one pageview), converted (a purchase in it).'
AS SELECT
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
    FROM spoor.sessions
    GROUP BY
        site_id,
        session_id
);

CREATE MATERIALIZED VIEW spoor.sessions_mv TO spoor.sessions
(
    `site_id` LowCardinality(String),
    `session_id` String,
    `visitor_id` String,
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `started_at` DateTime64(3, 'UTC'),
    `ended_at` DateTime64(3, 'UTC'),
    `events` AggregateFunction(uniqExact, UUID),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `clicks` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `entry_page` AggregateFunction(argMinIf, String, DateTime64(3, 'UTC'), UInt8),
    `exit_page` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `source` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `device` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `engaged` AggregateFunction(1, maxMapIf, Array(UUID), Array(UInt32), UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `is_bot` UInt8
)
AS SELECT
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
    argMinIfState((referrer, toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, type = 'pageview') AS source,
    argMinIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    maxMapIfState([event_id], [engaged_ms], type = 'page_leave') AS engaged,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS orders,
    max(is_bot) AS is_bot
FROM spoor.events
WHERE session_id != ''
GROUP BY
    site_id,
    session_id;

CREATE MATERIALIZED VIEW spoor.stats_by_day_mv TO spoor.stats_by_day
(
    `site_id` LowCardinality(String),
    `day` Date,
    `visitors` AggregateFunction(uniqExact, String),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `checkouts` AggregateFunction(uniqExactIf, UUID, UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `converted_sessions` AggregateFunction(uniqExactIf, String, UInt8)
)
AS SELECT
    site_id,
    toDate(ts) AS day,
    uniqExactState(visitor_id) AS visitors,
    uniqExactIfState(session_id, session_id != '') AS sessions,
    uniqExactIfState(event_id, type = 'pageview') AS pageviews,
    uniqExactIfState(event_id, type = 'cart_add') AS cart_adds,
    uniqExactIfState(event_id, type = 'checkout') AS checkouts,
    maxMapIfState([order_id], [revenue], type = 'purchase') AS orders,
    maxMapIfState([event_id], [revenue], type = 'refund') AS refunds,
    uniqExactIfState(session_id, (type = 'purchase') AND (session_id != '')) AS converted_sessions
FROM spoor.events
WHERE is_bot = 0
GROUP BY
    site_id,
    day;

CREATE MATERIALIZED VIEW spoor.visitor_activity_mv TO spoor.visitor_activity
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `first_seen` DateTime64(3, 'UTC'),
    `last_seen` DateTime64(3, 'UTC'),
    `user_id` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `sessions` AggregateFunction(uniqExactIf, String, UInt8),
    `pageviews` AggregateFunction(uniqExactIf, UUID, UInt8),
    `clicks` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_adds` AggregateFunction(uniqExactIf, UUID, UInt8),
    `cart_removes` AggregateFunction(uniqExactIf, UUID, UInt8),
    `checkouts` AggregateFunction(uniqExactIf, UUID, UInt8),
    `orders` AggregateFunction(1, maxMapIf, Array(String), Array(Decimal(18, 4)), UInt8),
    `refunds` AggregateFunction(1, maxMapIf, Array(UUID), Array(Decimal(18, 4)), UInt8),
    `pages` AggregateFunction(groupUniqArrayIf, Tuple(
        String,
        UUID), UInt8),
    `last_page` AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    `device` AggregateFunction(argMaxIf, Tuple(
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `first_touch` AggregateFunction(argMinIf, Tuple(
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `last_touch` AggregateFunction(argMaxIf, Tuple(
        String,
        String,
        String,
        String), DateTime64(3, 'UTC'), UInt8),
    `last_cart` AggregateFunction(argMaxIf, Tuple(
        String,
        UInt32,
        Decimal(18, 4)), DateTime64(3, 'UTC'), UInt8),
    `last_cart_change_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `last_purchase_at` AggregateFunction(maxIf, DateTime64(3, 'UTC'), UInt8),
    `is_bot` UInt8,
    `cookieless` UInt8
)
AS SELECT
    site_id,
    visitor_id,
    min(ts) AS first_seen,
    max(ts) AS last_seen,
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
    argMaxIfState((toString(device_type), toString(browser), toString(os)), ts, device_type != '') AS device,
    argMinIfState((toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, type = 'pageview') AS first_touch,
    argMaxIfState((toString(referrer_domain), toString(utm_source), toString(utm_medium), toString(utm_campaign)), ts, (type = 'pageview') AND ((referrer_domain != '') OR (utm_source != ''))) AS last_touch,
    argMaxIfState((cart_id, toUInt32(if((cart_id != '') AND (type != 'purchase'), cart_quantity, if(type = 'cart_add', quantity, 0))), if((cart_id != '') AND (type != 'purchase'), cart_value, toDecimal64(0, 4))), ts, (type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout'))) AS last_cart,
    maxIfState(ts, (type IN ('cart_add', 'cart_remove', 'cart_view', 'checkout'))) AS last_cart_change_at,
    maxIfState(ts, type = 'purchase') AS last_purchase_at,
    max(is_bot) AS is_bot,
    max(cookieless) AS cookieless
FROM spoor.events
GROUP BY
    site_id,
    visitor_id;

CREATE VIEW spoor.visitor_profiles
(
    `site_id` LowCardinality(String),
    `visitor_id` String,
    `user_id` String,
    `first_seen` SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    `sessions` UInt64,
    `pageviews` UInt64,
    `clicks` UInt64,
    `cart_adds` UInt64,
    `cart_removes` UInt64,
    `checkouts` UInt64,
    `orders` UInt64,
    `revenue` Decimal(38, 4),
    `last_page` String,
    `top_pages` Array(String),
    `navigation_depth` Float64,
    `device_type` String,
    `browser` String,
    `os` String,
    `first_referrer_domain` String,
    `first_utm_source` String,
    `first_utm_medium` String,
    `first_utm_campaign` String,
    `last_referrer_domain` String,
    `last_utm_source` String,
    `last_utm_medium` String,
    `last_utm_campaign` String,
    `last_cart_id` String,
    `last_cart_quantity` UInt32,
    `last_cart_value` Decimal(18, 4),
    `last_cart_change_at` Nullable(DateTime64(3, 'UTC')),
    `last_purchase_at` Nullable(DateTime64(3, 'UTC')),
    `is_bot` SimpleAggregateFunction(max, UInt8),
    `cookieless` SimpleAggregateFunction(max, UInt8)
)
COMMENT 'Activity profile, one row per visitor: first/last seen, sessions, pageviews, clicks, cart adds/removes, checkouts, orders (each order id once) and revenue net of refunds, last and top pages, device, first- and last-touch source, the cart after its last change, and user_id, the customer the visitor is linked to (empty while anonymous).'
AS SELECT
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
    arraySlice(arrayMap(x -> (x.1), arraySort(x -> (-(x.2), x.1), arrayMap(p -> (p, countEqual(va.page_paths, p)), arrayDistinct(va.page_paths)))), 1, 5) AS top_pages,
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
        arrayMap(x -> (x.1), groupUniqArrayIfMerge(pages)) AS page_paths,
        argMaxIfMerge(last_page) AS last_page,
        argMaxIfMerge(device) AS device_s,
        argMinIfMerge(first_touch) AS first_touch_s,
        argMaxIfMerge(last_touch) AS last_touch_s,
        argMaxIfMerge(last_cart) AS last_cart_s,
        maxIfMerge(last_cart_change_at) AS last_cart_change_at,
        maxIfMerge(last_purchase_at) AS last_purchase_at,
        max(is_bot) AS is_bot,
        max(cookieless) AS cookieless
    FROM spoor.visitor_activity
    GROUP BY
        site_id,
        visitor_id
) AS va;
