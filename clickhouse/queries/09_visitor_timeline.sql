-- What did one visitor do, in order? (Here: the visitor with the most events; put an id instead.)
SELECT ts, type, name, path, product_id, order_id, revenue
FROM spoor.events FINAL
WHERE visitor_id = (SELECT visitor_id FROM spoor.events GROUP BY visitor_id ORDER BY count() DESC LIMIT 1)
ORDER BY ts
