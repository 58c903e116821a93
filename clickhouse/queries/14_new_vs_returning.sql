-- Per day, how many people visited for the first time and how many came back?
SELECT
    e.site_id AS site,
    toDate(e.ts) AS day,
    uniqExact(e.visitor_id) AS visitors,
    uniqExactIf(e.visitor_id, toDate(v.first_seen) = toDate(e.ts)) AS new_visitors,
    visitors - new_visitors AS returning_visitors
FROM spoor.events AS e
INNER JOIN spoor.visitor_profiles AS v ON v.site_id = e.site_id AND v.visitor_id = e.visitor_id
WHERE e.is_bot = 0 AND e.type = 'pageview'
GROUP BY site, day
ORDER BY site, day
