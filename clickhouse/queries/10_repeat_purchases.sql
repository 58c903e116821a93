-- What share of customers came back to buy again, and how long do repeat buyers take between orders?
SELECT
    site_id,
    count() AS customers,
    countIf(orders > 1) AS repeat_customers,
    round(countIf(orders > 1) / count(), 3) AS repeat_rate,
    round(avgIf(mean_days_between_orders, orders > 1), 1) AS mean_days_between_orders
FROM spoor.customer_profiles
GROUP BY site_id
