-- How many orders did the browser tag miss per day over the last 90 days (seen only by the shop's backend, webhooks or imports), and what revenue did they bring?
SELECT
    site_id,
    day,
    orders,
    orders_browser_only,
    orders_server_only,
    orders_both,
    tracking_loss,
    revenue_server_only
FROM spoor.order_reconciliation
WHERE day >= today() - 90
ORDER BY site_id, day DESC
