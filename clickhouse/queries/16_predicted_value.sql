-- How much are each site's customers expected to buy over the next year, and how many are probably still customers?
SELECT
    site_id,
    method,
    count() AS customers,
    countIf(p_alive >= 0.5) AS probably_still_customers,
    round(sum(expected_purchases_365d), 1) AS expected_purchases_365d,
    sum(predicted_value_365d) AS predicted_value_365d,
    any(model_as_of) AS model_as_of
FROM spoor.customer_predictions
GROUP BY site_id, method
ORDER BY site_id, method
