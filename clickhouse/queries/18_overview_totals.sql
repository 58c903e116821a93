-- Over a range and over the period of the same length just before it: visitors, sessions, orders, revenue, conversion rate, average order value?
-- The admin overview's figures and their comparison (/admin). Each visitor, session and order counts once over the whole
-- period, so a period's visitors can be fewer than the sum of its days. Bots are left out.
--   npx spoor sql --param site=demo --param from=2025-01-01 --param to=2025-01-31 "$(cat clickhouse/queries/18_overview_totals.sql)"
-- site: a site id, or empty for every site; from, to: UTC days, both included. The previous period ends the day before `from`.
SELECT
    p.period AS period,
    p.period_from AS period_from,
    p.period_to AS period_to,
    ifNull(m_visitors, 0) AS visitors,
    ifNull(m_sessions, 0) AS sessions,
    length(ifNull(m_orders, ([], [])).1) AS orders,
    round(arraySum(ifNull(m_orders, ([], [])).2) - arraySum(ifNull(m_refunds, ([], [])).2), 2) AS revenue,
    if(sessions > 0, round(ifNull(m_converted, 0) / sessions, 4), 0) AS conversion_rate,
    if(orders > 0, round(revenue / orders, 2), 0) AS avg_order_value
FROM
(
    SELECT
        arrayJoin([
            ('current', {from:Date}, {to:Date}),
            ('previous', {from:Date} - (dateDiff('day', {from:Date}, {to:Date}) + 1), {from:Date} - 1)
        ]) AS t,
        t.1 AS period,
        t.2 AS period_from,
        t.3 AS period_to
) AS p
LEFT JOIN
(
    SELECT
        if(day >= {from:Date}, 'current', 'previous') AS s_period,
        uniqExactMerge(visitors) AS m_visitors,
        uniqExactIfMerge(sessions) AS m_sessions,
        maxMapIfMerge(orders) AS m_orders,
        maxMapIfMerge(refunds) AS m_refunds,
        uniqExactIfMerge(converted_sessions) AS m_converted
    FROM spoor.stats_by_day
    WHERE day BETWEEN {from:Date} - (dateDiff('day', {from:Date}, {to:Date}) + 1) AND {to:Date}
      AND ({site:String} = '' OR site_id = {site:String})
    GROUP BY s_period
) AS s ON s.s_period = p.period
ORDER BY p.period
