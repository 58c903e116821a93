-- Which products brought in the most revenue in the last 30 days (each order once)?
SELECT site_id, product_id, any(name) AS name, sum(quantity) AS units, sum(price * quantity) AS revenue, uniqExact(order_id) AS orders
FROM spoor.order_items FINAL
WHERE ordered_at >= now() - INTERVAL 30 DAY
GROUP BY site_id, product_id
ORDER BY revenue DESC
LIMIT 10
