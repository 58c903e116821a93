-- The lifecycle rule as a function of its own, so the customer_profiles view and the profile
-- lookups of /v1/me and /v1/profiles (which compute one customer's figures by primary key rather
-- than the whole site's) share one definition (docs/SCHEMA.md, "Lifecycle"):
--   one order:  new (last order <= 30 days ago), at_risk (<= 90), lapsed (older);
--   repeat:     expected gap = max(7, mean days between their orders);
--               active (recency <= 1.5 x gap), at_risk (<= 3 x gap), lapsed (beyond).
-- SQL functions live outside databases in ClickHouse, hence the spoor_ prefix.
CREATE FUNCTION IF NOT EXISTS spoor_lifecycle {{on_cluster}} AS (orders, recency_days, mean_days_between_orders) ->
    multiIf(
        orders = 1, multiIf(recency_days <= 30, 'new', recency_days <= 90, 'at_risk', 'lapsed'),
        recency_days <= 1.5 * greatest(7, mean_days_between_orders), 'active',
        recency_days <= 3 * greatest(7, mean_days_between_orders), 'at_risk',
        'lapsed');

-- customer_profiles as in 0006, with its lifecycle from the function (same columns, same values).
-- RFM scores stay quintiles within the site from ranks with ties sharing the lowest rank:
-- score = 1 + floor(5 x (rank - 1) / customers).
CREATE OR REPLACE VIEW {{db}}.customer_profiles {{on_cluster}} AS
SELECT
    c.site_id AS site_id,
    c.customer_id AS customer_id,
    c.visitor_ids AS visitor_ids,
    c.orders AS orders,
    c.revenue AS revenue,
    if(c.orders > 0, round(c.revenue / c.orders, 2), 0) AS avg_order_value,
    c.items AS items,
    c.products AS products,
    c.categories AS categories,
    c.distinct_products AS distinct_products,
    c.distinct_categories AS distinct_categories,
    c.first_order_at AS first_order_at,
    c.last_order_at AS last_order_at,
    c.mean_days_between_orders AS mean_days_between_orders,
    c.recency_days AS recency_days,
    toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY c.site_id ORDER BY c.recency_days DESC) - 1), count() OVER (PARTITION BY c.site_id))) AS r_score,
    toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY c.site_id ORDER BY c.orders ASC) - 1), count() OVER (PARTITION BY c.site_id))) AS f_score,
    toUInt8(1 + intDiv(5 * (rank() OVER (PARTITION BY c.site_id ORDER BY c.revenue ASC) - 1), count() OVER (PARTITION BY c.site_id))) AS m_score,
    spoor_lifecycle(c.orders, c.recency_days, c.mean_days_between_orders) AS lifecycle,
    t.traits AS traits,
    c.currency AS currency,
    c.as_of AS as_of
FROM
(
    SELECT
        site_id,
        customer_id,
        groupUniqArray(visitor_id) AS visitor_ids,
        maxMapIfMerge(order_revenue) AS revenue_map,
        minMapIfMerge(order_time) AS time_map,
        maxMapIfMerge(order_units) AS units_map,
        maxMapIfMerge(refunds) AS refund_map,
        groupUniqArrayArrayIfMerge(products) AS products,
        groupUniqArrayArrayIfMerge(categories) AS categories,
        argMaxIfMerge(currency) AS currency,
        length(revenue_map.1) AS orders,
        arraySum(revenue_map.2) - arraySum(refund_map.2) AS revenue,
        arraySum(units_map.2) AS items,
        length(products) AS distinct_products,
        length(categories) AS distinct_categories,
        arrayMin(time_map.2) AS first_order_at,
        arrayMax(time_map.2) AS last_order_at,
        if(orders > 1, round(dateDiff('second', first_order_at, last_order_at) / 86400 / (orders - 1), 2), 0) AS mean_days_between_orders,
        today() AS as_of,
        toUInt32(greatest(0, dateDiff('day', toDate(last_order_at), as_of))) AS recency_days
    FROM
    (
        SELECT
            ct.site_id AS site_id,
            if(ct.user_id != '', ct.user_id, if(im.customer_id != '', im.customer_id, ct.visitor_id)) AS customer_id,
            ct.visitor_id AS visitor_id,
            ct.order_revenue AS order_revenue,
            ct.order_time AS order_time,
            ct.order_units AS order_units,
            ct.refunds AS refunds,
            ct.products AS products,
            ct.categories AS categories,
            ct.currency AS currency
        FROM {{db}}.customer_transactions AS ct
        LEFT JOIN {{db}}.identity_map AS im ON im.site_id = ct.site_id AND im.visitor_id = ct.visitor_id
    )
    GROUP BY site_id, customer_id
    HAVING orders > 0
) AS c
LEFT JOIN
(
    SELECT site_id, user_id, argMaxMerge(traits) AS traits
    FROM {{db}}.customer_traits
    GROUP BY site_id, user_id
) AS t ON t.site_id = c.site_id AND t.user_id = c.customer_id
COMMENT 'Transaction profile with RFM, one row per customer who ordered (identified user, else anonymous visitor): orders (each order id once), revenue net of refunds, average order value, units, distinct products and categories, first/last order, mean days between orders, recency, r/f/m scores 1-5 (quintiles per site), lifecycle new/active/at_risk/lapsed, identify traits.';
