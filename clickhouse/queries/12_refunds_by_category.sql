-- Which categories turn up in refunded orders most often, relative to how often they are ordered?
SELECT
    site_id,
    category,
    uniqExact(order_id) AS orders,
    uniqExactIf(order_id, (site_id, order_id) IN (SELECT site_id, order_id FROM spoor.events WHERE type = 'refund')) AS refunded_orders,
    round(refunded_orders / orders, 3) AS refund_rate
FROM spoor.order_items FINAL
GROUP BY site_id, category
ORDER BY refund_rate DESC
