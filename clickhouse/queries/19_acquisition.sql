-- Which sources, media and campaigns brought the orders and revenue of a range, by first touch and by last touch side by side?
-- The admin Acquisition view (/admin/acquisition). An order (and a refund) is credited to the person who placed it, whole:
-- first touch is where that person first came from (the first pageview of the browser they were first seen on), last touch
-- the latest visit of theirs that came from somewhere (direct visits do not overwrite it) -- the segment fields
-- first_utm_* / last_utm_* (docs/SEGMENTS.md). A person is a customer with all their browsers, else a visitor.
-- Each order counts once, at its highest revenue; refunds of the range are subtracted, so the revenue column sums to the
-- overview's revenue. Bots are left out. Source is utm_source, else the referring domain, else (direct).
--   npx spoor sql --param site=demo --param from=2025-01-01 --param to=2025-01-31 "$(cat clickhouse/queries/19_acquisition.sql)"
-- site: a site id, or empty for every site; from, to: UTC days, both included.
WITH
    money AS
    (
        -- The range's orders (each once) and refunds (each refund event once), with the browser that sent them.
        SELECT site_id, kind, argMin(visitor_id, ts) AS visitor_id, max(revenue) AS amount
        FROM
        (
            SELECT site_id, type AS kind, if(type = 'purchase', order_id, toString(event_id)) AS k, visitor_id, ts, revenue
            FROM spoor.events
            WHERE type IN ('purchase', 'refund') AND is_bot = 0 AND (type = 'refund' OR order_id != '')
              AND toDate(ts) BETWEEN {from:Date} AND {to:Date}
              AND ({site:String} = '' OR site_id = {site:String})
        )
        GROUP BY site_id, kind, k
    ),
    people AS
    (
        -- Each person's first and last touch, over all their browsers (as the segment fields are built).
        SELECT
            site_id,
            if(user_id != '', user_id, visitor_id) AS person,
            argMin((first_utm_source, first_referrer_domain, first_utm_medium, first_utm_campaign), first_seen) AS first_touch,
            argMaxIf((last_utm_source, last_referrer_domain, last_utm_medium, last_utm_campaign), last_seen,
                last_referrer_domain != '' OR last_utm_source != '') AS last_touch
        FROM spoor.visitor_profiles
        WHERE is_bot = 0 AND ({site:String} = '' OR site_id = {site:String})
        GROUP BY site_id, person
    ),
    credited AS
    (
        SELECT
            m.kind AS kind,
            m.amount AS amount,
            p.first_touch AS first_touch,
            p.last_touch AS last_touch
        FROM money AS m
        LEFT JOIN spoor.identity_map AS im ON im.site_id = m.site_id AND im.visitor_id = m.visitor_id
        LEFT JOIN people AS p ON p.site_id = m.site_id AND p.person = if(ifNull(im.customer_id, '') != '', im.customer_id, m.visitor_id)
    )
SELECT
    multiIf(touch.2.1 != '', touch.2.1, touch.2.2 != '', touch.2.2, '(direct)') AS source,
    multiIf(touch.2.3 != '', touch.2.3, touch.2.2 != '', 'referral', '(none)') AS medium,
    if(touch.2.4 != '', touch.2.4, '(none)') AS campaign,
    countIf(touch.1 = 'first' AND kind = 'purchase') AS first_touch_orders,
    round(sumIf(amount, touch.1 = 'first' AND kind = 'purchase') - sumIf(amount, touch.1 = 'first' AND kind = 'refund'), 2) AS first_touch_revenue,
    countIf(touch.1 = 'last' AND kind = 'purchase') AS last_touch_orders,
    round(sumIf(amount, touch.1 = 'last' AND kind = 'purchase') - sumIf(amount, touch.1 = 'last' AND kind = 'refund'), 2) AS last_touch_revenue
FROM credited
ARRAY JOIN [('first', first_touch), ('last', last_touch)] AS touch
GROUP BY source, medium, campaign
ORDER BY first_touch_revenue + last_touch_revenue DESC, source, medium, campaign
