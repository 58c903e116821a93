-- Which landing pages start the most sessions, and how many of those sessions bounce or convert?
SELECT site_id, entry_page, count() AS sessions, round(avg(bounce), 3) AS bounce_rate, round(avg(converted), 3) AS conversion_rate
FROM spoor.session_profiles
WHERE is_bot = 0
GROUP BY site_id, entry_page
ORDER BY sessions DESC
LIMIT 20
