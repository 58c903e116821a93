-- What are one customer's transaction figures (orders, revenue, average order value, RFM, lifecycle), predictions and traits?
-- The admin Customer 360 (/admin/customers/ID). Always one row: `has_orders` 0 (and zeros) for a person who never ordered,
-- `has_prediction` 0 when customer_predictions has no row for them. A customer id is the user id, else the anonymous visitor id.
-- `prediction_fields` is their prediction row exactly, as text by segment field name: the page counts the customer's
-- segments with it, so the site's predictions (a rank over every customer) are computed once per page, not twice.
--   npx spoor sql --param site=demo --param customer=c7-12 "$(cat clickhouse/queries/24_customer_profile.sql)"
-- site: a site id; customer: the customer id.
SELECT
    k.site_id AS site_id,
    k.customer_id AS customer_id,
    c.c_matched AS has_orders,
    c.orders AS orders,
    round(c.revenue, 2) AS revenue,
    c.avg_order_value AS avg_order_value,
    c.items AS items,
    c.first_order_at AS first_order_at,
    c.last_order_at AS last_order_at,
    c.recency_days AS recency_days,
    c.r_score AS r_score,
    c.f_score AS f_score,
    c.m_score AS m_score,
    if(c.c_matched = 1, c.lifecycle, 'none') AS lifecycle,
    p.p_matched AS has_prediction,
    p.p_alive AS p_alive,
    p.expected_purchases_90d AS expected_purchases_90d,
    p.expected_purchases_365d AS expected_purchases_365d,
    round(p.predicted_value_365d, 2) AS predicted_value_365d,
    p.next_purchase_at AS next_purchase_at,
    p.method AS prediction_method,
    t.traits AS traits,
    p.fields AS prediction_fields
FROM (SELECT {site:String} AS site_id, {customer:String} AS customer_id) AS k
LEFT JOIN
(
    SELECT site_id, customer_id, toUInt8(1) AS c_matched, orders, revenue, avg_order_value, items, first_order_at, last_order_at,
           recency_days, r_score, f_score, m_score, lifecycle
    FROM spoor.customer_profiles
    WHERE site_id = {site:String} AND customer_id = {customer:String}
) AS c ON c.site_id = k.site_id AND c.customer_id = k.customer_id
LEFT JOIN
(
    SELECT site_id, customer_id, toUInt8(1) AS p_matched, round(p_alive, 4) AS p_alive, round(expected_purchases_90d, 2) AS expected_purchases_90d,
           round(expected_purchases_365d, 2) AS expected_purchases_365d, predicted_value_365d, next_purchase_at, method, fields
    FROM
    (
        SELECT *, map('p_alive', toString(p_alive), 'expected_purchases_30d', toString(expected_purchases_30d),
                      'expected_purchases_90d', toString(expected_purchases_90d), 'expected_purchases_365d', toString(expected_purchases_365d),
                      'expected_order_value', toString(expected_order_value), 'predicted_value_365d', toString(predicted_value_365d),
                      'next_purchase_at', ifNull(toString(next_purchase_at), ''), 'value_score', toString(value_score),
                      'prediction_method', method) AS fields
        FROM spoor.customer_predictions
        WHERE site_id = {site:String} AND customer_id = {customer:String}
    )
) AS p ON p.site_id = k.site_id AND p.customer_id = k.customer_id
LEFT JOIN
(
    SELECT site_id, user_id, argMaxMerge(traits) AS traits
    FROM spoor.customer_traits
    WHERE site_id = {site:String} AND user_id = {customer:String}
    GROUP BY site_id, user_id
) AS t ON t.site_id = k.site_id AND t.user_id = k.customer_id
