-- How many customers are new, active, at risk or lapsed, and how much have they spent?
SELECT site_id, lifecycle, count() AS customers, sum(revenue) AS revenue, round(avg(avg_order_value), 2) AS avg_order_value
FROM spoor.customer_profiles
GROUP BY site_id, lifecycle
ORDER BY site_id, customers DESC
