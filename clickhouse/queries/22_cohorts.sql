-- Of the customers whose first order fell in each month, what share ordered again 1, 2, 3 ... 12 months later (0: the cohort itself)?
-- The admin Cohorts view (/admin/cohorts): repeat-purchase retention by first-order month. A customer is keyed as in
-- customer_profiles (the user id, else the customer identity_map gives the browser, else the visitor), so a cohort's
-- `customers` is the number of customer_profiles rows whose first_order_at falls in that month. An order counts once, in the
-- month it was first sent. Only months that have already begun are listed.
--   npx spoor sql --param site=demo --param from=2025-01-01 --param to=2025-12-31 "$(cat clickhouse/queries/22_cohorts.sql)"
-- site: a site id, or empty for every site; from, to: UTC days; cohorts are the months from from's month to to's month.
WITH
    orders AS
    (
        SELECT e.site_id AS site_id,
               if(e.user_id != '', e.user_id, if(ifNull(im.customer_id, '') != '', im.customer_id, e.visitor_id)) AS customer_id,
               e.order_id AS order_id,
               min(e.ts) AS ordered_at
        FROM spoor.events AS e
        LEFT JOIN spoor.identity_map AS im ON im.site_id = e.site_id AND im.visitor_id = e.visitor_id
        WHERE e.type = 'purchase' AND e.order_id != '' AND ({site:String} = '' OR e.site_id = {site:String})
        GROUP BY site_id, customer_id, order_id
    ),
    customers AS
    (
        SELECT site_id, customer_id, toStartOfMonth(min(ordered_at)) AS cohort, groupUniqArray(toStartOfMonth(ordered_at)) AS months
        FROM orders
        GROUP BY site_id, customer_id
    )
SELECT
    cohort,
    count() AS customers,
    months_later,
    countIf(has(months, addMonths(cohort, months_later))) AS repeat_customers,
    round(repeat_customers / customers, 4) AS retention
FROM customers
ARRAY JOIN range(0, 13) AS months_later
WHERE cohort BETWEEN toStartOfMonth({from:Date}) AND toStartOfMonth({to:Date})
  AND addMonths(cohort, months_later) <= toStartOfMonth(today())
GROUP BY cohort, months_later
ORDER BY cohort, months_later
