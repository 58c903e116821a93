-- How many events of each type arrived in the last 7 days, each event counted once?
SELECT site_id, type, count() AS events
FROM spoor.events FINAL
WHERE ts >= now() - INTERVAL 7 DAY
GROUP BY site_id, type
ORDER BY site_id, events DESC
