-- Per day of a range, for one site or all: visitors, sessions, orders, revenue, conversion rate and average order value?
-- The admin overview's chart and table (/admin). Bots are left out (as in daily_stats); days without traffic are rows of zeros.
--   npx spoor sql --param site=demo --param from=2025-01-01 --param to=2025-01-31 "$(cat clickhouse/queries/17_overview_daily.sql)"
-- site: a site id, or empty (--param site=) for every site; from, to: UTC days, both included.
SELECT
    day,
    m_visitors AS visitors,
    m_sessions AS sessions,
    length(m_orders.1) AS orders,
    round(arraySum(m_orders.2) - arraySum(m_refunds.2), 2) AS revenue,
    if(m_sessions > 0, round(m_converted / m_sessions, 4), 0) AS conversion_rate,
    if(orders > 0, round(revenue / orders, 2), 0) AS avg_order_value
FROM
(
    SELECT
        day,
        uniqExactMerge(visitors) AS m_visitors,
        uniqExactIfMerge(sessions) AS m_sessions,
        maxMapIfMerge(orders) AS m_orders,
        maxMapIfMerge(refunds) AS m_refunds,
        uniqExactIfMerge(converted_sessions) AS m_converted
    FROM spoor.stats_by_day
    WHERE day BETWEEN {from:Date} AND {to:Date} AND ({site:String} = '' OR site_id = {site:String})
    GROUP BY day
)
ORDER BY day WITH FILL FROM {from:Date} TO {to:Date} + 1
