-- How many sessions reach each funnel step: view a page, add to cart, check out, buy?
SELECT
    site_id,
    uniqExactIf(session_id, type = 'pageview') AS viewed,
    uniqExactIf(session_id, type = 'cart_add') AS added_to_cart,
    uniqExactIf(session_id, type = 'checkout') AS checked_out,
    uniqExactIf(session_id, type = 'purchase') AS purchased
FROM spoor.events
WHERE is_bot = 0 AND session_id != '' AND ts >= now() - INTERVAL 30 DAY
GROUP BY site_id
