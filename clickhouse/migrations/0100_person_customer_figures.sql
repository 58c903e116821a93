-- One definition of a person (docs/SCHEMA.md, "Who is a person"): customer_figures resolved an
-- anonymous order's browser to its customer with its own copy of identity_map's rule (the user of
-- the latest identities row) and told never-identified browsers apart on identities itself. Both now
-- read identity_map, the rule's one home. Same rows and values: identity_map is that very
-- aggregation, and it has a row for exactly the browsers identities has.

CREATE OR REPLACE VIEW {{db}}.customer_figures {{on_cluster}} AS
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
    SELECT site_id, user_id AS customer_id, visitor_id, order_revenue, order_time, order_units, refunds, products, categories, currency
    FROM {{db}}.customer_transactions
    WHERE user_id != ''
    UNION ALL
    SELECT ct.site_id AS site_id, ct.visitor_id AS customer_id, ct.visitor_id AS visitor_id, ct.order_revenue AS order_revenue,
        ct.order_time AS order_time, ct.order_units AS order_units, ct.refunds AS refunds, ct.products AS products,
        ct.categories AS categories, ct.currency AS currency
    FROM {{db}}.customer_transactions AS ct
    LEFT ANTI JOIN {{db}}.identity_map AS i ON i.site_id = ct.site_id AND i.visitor_id = ct.visitor_id
    WHERE ct.user_id = ''
    UNION ALL
    SELECT ct.site_id AS site_id, im.customer_id AS customer_id, ct.visitor_id AS visitor_id, ct.order_revenue AS order_revenue,
        ct.order_time AS order_time, ct.order_units AS order_units, ct.refunds AS refunds, ct.products AS products,
        ct.categories AS categories, ct.currency AS currency
    FROM {{db}}.customer_transactions AS ct
    INNER JOIN {{db}}.identity_map AS im ON im.site_id = ct.site_id AND im.visitor_id = ct.visitor_id
    WHERE ct.user_id = ''
)
GROUP BY site_id, customer_id
HAVING orders > 0
COMMENT 'Transaction figures per customer who ordered (identified user, else anonymous visitor), without RFM: the part of customer_profiles a single customer is read from by primary key. Query customer_profiles instead.';
