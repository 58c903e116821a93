-- Of the people active in a range, how many viewed a product, then added to a cart, then checked out, then bought, and how many dropped off at each step?
-- The admin Funnel view (/admin/funnel). Counted per person across sessions and browsers, as segments count people: a
-- customer with all their browsers (identity_map), else a visitor; bots and cookieless visitors left out. A person reaches a
-- step when its event follows the previous step's within the range (ClickHouse windowFunnel): viewing a product is a
-- `view_item` event (GA4 / UA detail, mapped by the SDK) or a pageview under one of the product page prefixes.
--   npx spoor sql --param site=demo --param from=2025-01-01 --param to=2025-01-31 --param product_paths=/p/,/product "$(cat clickhouse/queries/20_funnel_people.sql)"
-- site: a site id, or empty for every site; from, to: UTC days, both included; product_paths: comma-separated path prefixes.
WITH levels AS
(
    SELECT
        windowFunnel(toUInt64(dateDiff('second', toDateTime({from:Date}), toDateTime({to:Date} + 1))))(
            toDateTime(e.ts),
            (e.type = 'custom' AND e.name = 'view_item')
                OR (e.type = 'pageview' AND arrayExists(p -> p != '' AND startsWith(e.path, p), splitByChar(',', {product_paths:String}))),
            e.type = 'cart_add',
            e.type = 'checkout',
            e.type = 'purchase'
        ) AS level
    FROM spoor.events AS e
    LEFT JOIN spoor.identity_map AS im ON im.site_id = e.site_id AND im.visitor_id = e.visitor_id
    WHERE (e.type IN ('cart_add', 'checkout', 'purchase')
           OR (e.type = 'custom' AND e.name = 'view_item')
           OR (e.type = 'pageview' AND arrayExists(p -> p != '' AND startsWith(e.path, p), splitByChar(',', {product_paths:String}))))
      AND e.is_bot = 0 AND e.cookieless = 0
      AND toDate(e.ts) BETWEEN {from:Date} AND {to:Date}
      AND ({site:String} = '' OR e.site_id = {site:String})
    GROUP BY e.site_id, if(ifNull(im.customer_id, '') != '', concat('c:', im.customer_id), concat('v:', e.visitor_id))
),
counts AS
(
    SELECT [countIf(level >= 1), countIf(level >= 2), countIf(level >= 3), countIf(level >= 4)] AS reached FROM levels
)
SELECT
    step,
    ['viewed a product', 'added to cart', 'checked out', 'purchased'][step] AS name,
    reached[step] AS people,
    if(reached[1] > 0, round(people / reached[1], 4), 0) AS of_first_step,
    if(step = 1, 0, if(reached[step - 1] > 0, round(1 - people / reached[step - 1], 4), 0)) AS drop_off
FROM counts
ARRAY JOIN [1, 2, 3, 4] AS step
ORDER BY step
