-- Which carts still hold items, were not bought, and have not changed for over an hour?
SELECT site_id, cart_id, visitor_id, user_id, quantity, value, changed_at
FROM spoor.cart_states
WHERE quantity > 0 AND NOT purchased AND changed_at < now() - INTERVAL 1 HOUR
ORDER BY value DESC
LIMIT 100
