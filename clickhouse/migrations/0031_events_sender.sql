-- Who reported each event: the tag in a browser, or the shop's own books (its backend, a
-- platform's order webhook, an import of past orders). The reconciliation of orders seen by the
-- browser, the server or both (0032) reads it. Events written before this column are browser
-- events, except Origin-less posts, which were server-side senders but cannot be told apart now.
ALTER TABLE {{db}}.events {{on_cluster}}
    ADD COLUMN IF NOT EXISTS sender LowCardinality(String) DEFAULT 'browser' COMMENT 'Who reported it: browser (the tag); server (a backend through /v1/server/batch or a POST without Origin); shopify / woocommerce / stripe (order webhooks); import (spoor import orders)' AFTER batch_id;
