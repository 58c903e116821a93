-- How are customers spread over recency and frequency scores, and what are they worth?
SELECT site_id, r_score, f_score, count() AS customers, sum(revenue) AS revenue
FROM spoor.customer_profiles
GROUP BY site_id, r_score, f_score
ORDER BY site_id, r_score DESC, f_score DESC
