-- The site registry grows what a site's owner opens to pages and to its backend: the traits and
-- segments a page may read about its own visitor, the products that may be recommended again, the
-- site's secret key (only its SHA-256 is kept) and the webhook secrets of its shop platforms,
-- sealed with SPOOR_SECRET_KEY (AES-256-GCM: verifying a platform's HMAC needs the secret itself,
-- so a hash would not do). Every write is a whole new version of the site (see putSite), so a
-- change of origins keeps the key, the hooks and the exposures, and the other way round.
-- One statement per column: a column comment may hold commas, which a cluster rendering of a
-- multi-column ALTER would split on.
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS expose_traits Array(String) DEFAULT [] COMMENT 'Traits a page may read about its own visitor through /v1/me; empty exposes none';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS expose_segments Array(String) DEFAULT [] COMMENT 'Segment names a page may see its own visitor in; empty exposes none';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS repurchase_products Array(String) DEFAULT [] COMMENT 'Product ids of consumables: recommended again to people who bought them';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS key_hash String DEFAULT '' COMMENT 'Hex SHA-256 of the site secret key (spoor sites key); empty when the site has none';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS key_created_at DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC') COMMENT 'When the current key was made (1970 when none)';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS hook_secrets Map(String, String) DEFAULT map() COMMENT 'Webhook secret per platform (shopify / woocommerce / stripe) sealed with SPOOR_SECRET_KEY; never in clear';
ALTER TABLE {{db}}.sites {{on_cluster}}
    ADD COLUMN IF NOT EXISTS store_emails UInt8 DEFAULT 0 COMMENT '1 when orders keep the buyer e-mail in clear (else only its keyed hash)';
