-- How much did each site sell per day over the last 30 days, and how well did visits convert?
SELECT site_id, day, visitors, sessions, orders, revenue, conversion_rate
FROM spoor.daily_stats
WHERE day >= today() - 30
ORDER BY site_id, day
