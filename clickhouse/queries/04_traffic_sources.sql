-- Where do sessions come from (UTM source, else referring domain, else direct), and what do they earn?
SELECT
    site_id,
    multiIf(utm_source != '', utm_source, referrer_domain != '', referrer_domain, '(direct)') AS source,
    count() AS sessions,
    sum(orders) AS orders,
    sum(revenue) AS revenue,
    round(avg(converted), 3) AS conversion_rate
FROM spoor.session_profiles
WHERE is_bot = 0
GROUP BY site_id, source
ORDER BY sessions DESC
