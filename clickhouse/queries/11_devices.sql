-- Which devices do people shop on, and which convert best?
SELECT site_id, device_type, count() AS sessions, sum(orders) AS orders, round(avg(converted), 3) AS conversion_rate
FROM spoor.session_profiles
WHERE is_bot = 0
GROUP BY site_id, device_type
ORDER BY sessions DESC
