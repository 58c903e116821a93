-- What did one customer do, newest first, across all their browsers: visits, pages, cart changes, orders and refunds?
-- The admin Customer 360's timeline (/admin/customers/ID): the latest `limit` events of every browser of the customer (as in
-- 25_customer_devices.sql), each event once. Clicks and page leaves are left out; a visit is a session_id.
--   npx spoor sql --param site=demo --param customer=c7-12 --param limit=200 "$(cat clickhouse/queries/26_customer_timeline.sql)"
-- site: a site id; customer: the customer id; limit: how many events.
SELECT
    ts, visitor_id, session_id, type, name, path, referrer_domain, utm_source, product_id, product_name, quantity,
    round(cart_value, 2) AS cart_value, order_id, round(revenue, 2) AS revenue, device_type
FROM spoor.events
WHERE site_id = {site:String}
  AND type NOT IN ('click', 'page_leave')
  AND visitor_id IN
  (
      SELECT visitor_id FROM spoor.identity_map WHERE site_id = {site:String} AND customer_id = {customer:String}
      UNION ALL
      SELECT {customer:String} WHERE {customer:String} NOT IN (SELECT visitor_id FROM spoor.identity_map WHERE site_id = {site:String})
  )
ORDER BY ts DESC, event_id
LIMIT 1 BY event_id
LIMIT {limit:UInt32}
