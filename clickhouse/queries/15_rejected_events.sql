-- What was refused in the last day, and why? (A broken sender shows up here first.)
SELECT site_id, reason, path, count() AS refused, any(message) AS example
FROM spoor.rejected_events
WHERE received_at >= now() - INTERVAL 1 DAY
GROUP BY site_id, reason, path
ORDER BY refused DESC
