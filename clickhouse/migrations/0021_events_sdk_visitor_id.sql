-- The collector keeps a visitor stable across Safari's 7-day cap on script-set cookies by
-- replacing the SDK's visitor_id with its own HttpOnly spoor_id cookie; the SDK's id stays here.
ALTER TABLE {{db}}.events {{on_cluster}}
    ADD COLUMN IF NOT EXISTS sdk_visitor_id String DEFAULT '' COMMENT 'visitor_id as the SDK sent it when the collector replaced it with the spoor_id cookie (else empty)' AFTER visitor_id;
