-- The purchase models' inputs per customer as of a date: call it as
--   SELECT * FROM spoor.prediction_inputs(as_of = '1997-09-30')
-- The one place these inputs are defined: `spoor predict fit` reads it at its as-of date,
-- customer_predictions at today's.
--
-- Time is counted in whole UTC days, as in the BG/NBD paper: several orders on one day are one
-- purchase. x = purchase days after the first; t_x = days from the first to the last purchase day;
-- T = days from the first purchase day to as_of; in weeks (days / 7) for the models. Orders after
-- the as_of day are left out, so are customers whose first order is later.
-- A day's value is its orders' revenue (as customer_profiles counts it: each order id once, at the
-- highest revenue sent) minus refunds of those orders made up to the as_of day; it can be zero or
-- negative. mean_repeat_value is the mean over the repeat days (the first day's value excluded, as
-- in Fader & Hardie's spend model); mean_day_value over all days.
-- Customers are resolved as in customer_profiles: the identified user, else the customer the
-- visitor was last identified as (identity_map), else the anonymous visitor.
CREATE VIEW IF NOT EXISTS {{db}}.prediction_inputs {{on_cluster}} AS
SELECT
    site_id,
    customer_id,
    {as_of:Date} AS as_of,
    toUInt64(sum(day_orders)) AS orders,
    toUInt32(count()) AS purchase_days,
    toUInt32(purchase_days - 1) AS x,
    min(day) AS first_purchase_day,
    max(day) AS last_purchase_day,
    toUInt32(dateDiff('day', first_purchase_day, last_purchase_day)) AS t_x_days,
    toUInt32(dateDiff('day', first_purchase_day, as_of)) AS T_days,
    t_x_days / 7 AS t_x,
    T_days / 7 AS T,
    min(first_at) AS first_order_at,
    max(last_at) AS last_order_at,
    sum(day_value) AS net_revenue,
    argMin(day_value, day) AS first_day_value,
    toDecimal64(if(x > 0, (net_revenue - first_day_value) / x, 0), 4) AS mean_repeat_value,
    toDecimal64(net_revenue / purchase_days, 4) AS mean_day_value
FROM
(
    SELECT
        site_id,
        customer_id,
        toDate(ordered_at) AS day,
        count() AS day_orders,
        sum(net) AS day_value,
        min(ordered_at) AS first_at,
        max(ordered_at) AS last_at
    FROM
    (
        SELECT
            o.site_id AS site_id,
            o.customer_id AS customer_id,
            o.ordered_at AS ordered_at,
            o.revenue - ifNull(rf.refunded, 0) AS net
        FROM
        (
            SELECT site_id, customer_id, line.1 AS order_id, line.2 AS ordered_at, line.3 AS revenue
            FROM
            (
                SELECT
                    site_id,
                    customer_id,
                    minMapIfMerge(order_time) AS time_map,
                    maxMapIfMerge(order_revenue) AS revenue_map
                FROM
                (
                    SELECT
                        ct.site_id AS site_id,
                        if(ct.user_id != '', ct.user_id, if(im.customer_id != '', im.customer_id, ct.visitor_id)) AS customer_id,
                        ct.order_time AS order_time,
                        ct.order_revenue AS order_revenue
                    FROM {{db}}.customer_transactions AS ct
                    LEFT JOIN {{db}}.identity_map AS im ON im.site_id = ct.site_id AND im.visitor_id = ct.visitor_id
                )
                GROUP BY site_id, customer_id
            )
            -- Both maps hold the same order ids, in the same (sorted) order.
            ARRAY JOIN arrayZip(time_map.1, time_map.2, revenue_map.2) AS line
            WHERE toDate(line.2) <= {as_of:Date}
        ) AS o
        LEFT JOIN
        (
            SELECT
                site_id,
                order_id,
                arraySum(arrayMap((amount, at) -> if(toDate(at) <= {as_of:Date}, amount, toDecimal64(0, 4)), amounts.2, times.2)) AS refunded
            FROM
            (
                SELECT site_id, order_id, maxMapMerge(amounts) AS amounts, minMapMerge(refunded_at) AS times
                FROM {{db}}.order_refunds
                GROUP BY site_id, order_id
            )
        ) AS rf ON rf.site_id = o.site_id AND rf.order_id = o.order_id
    )
    GROUP BY site_id, customer_id, day
)
GROUP BY site_id, customer_id
COMMENT 'Purchase-model inputs per customer as of a date (call as prediction_inputs(as_of = ''YYYY-MM-DD'')): purchase days, x (repeat purchase days), t_x and T in days and weeks, mean repeat-day value net of refunds.';
