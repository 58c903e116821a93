-- Which browsers (visitor ids) belong to one customer, on which devices, and what did each do?
-- The admin Customer 360's devices (/admin/customers/ID): every visitor identity_map links to the customer, or the visitor
-- itself for a never-identified customer id; most recently seen first. The visitor ids are looked up first, so
-- visitor_profiles is read by its primary key instead of merging every visitor of the site.
--   npx spoor sql --param site=demo --param customer=c7-12 "$(cat clickhouse/queries/25_customer_devices.sql)"
-- site: a site id; customer: the customer id.
SELECT
    visitor_id, device_type, browser, os, first_seen, last_seen, sessions, pageviews, cart_adds, orders, round(revenue, 2) AS revenue,
    first_utm_source, first_referrer_domain, is_bot, cookieless
FROM spoor.visitor_profiles
WHERE site_id = {site:String}
  AND visitor_id IN
  (
      SELECT visitor_id FROM spoor.identity_map WHERE site_id = {site:String} AND customer_id = {customer:String}
      UNION ALL
      SELECT {customer:String}
  )
  AND (user_id = {customer:String} OR (user_id = '' AND visitor_id = {customer:String}))
ORDER BY last_seen DESC, visitor_id
