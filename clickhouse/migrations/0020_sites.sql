-- The site registry: which sites may send events, from which page origins, and their collector
-- settings. Written by `spoor sites add|remove`, read (and cached) by every collector.
--
-- Engine: ReplacingMergeTree on site_id with updated_at as the version, so each change is one
-- small insert and old versions merge away. Readers take the newest row per site with
-- argMax(..., updated_at), which also holds on a cluster where versions sit on different shards.
-- Removal writes a row with deleted = 1, so collectors that refresh later see the change.
-- The dedup window is the one every table keeps (the start-up check asks for it); each write sets
-- updated_at itself (see putSite), so re-adding a site is never mistaken for a retried insert.
CREATE TABLE IF NOT EXISTS {{db}}.sites {{on_cluster}}
(
    site_id String COMMENT 'The site id senders put in each batch (1-64 of a-z, 0-9, _ and -)',
    origins Array(String) COMMENT 'Page origins allowed to send, e.g. https://shop.example.com; * allows any origin',
    cookie_domain String COMMENT 'Domain attribute of the spoor_id cookie (e.g. example.com); empty for the collector host only',
    deleted UInt8 DEFAULT 0 COMMENT '1 once the site was removed',
    updated_at DateTime64(6, 'UTC') DEFAULT now64(6) COMMENT 'When this version of the site was written'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY site_id
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Registered sites and their allowed origins: the newest row per site_id counts (argMax by updated_at), unless deleted = 1.';
