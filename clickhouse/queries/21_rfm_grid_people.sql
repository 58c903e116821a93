-- How do a site's customers spread over the 5 x 5 grid of recency and frequency scores, and what is each cell worth?
-- The admin RFM view (/admin/rfm). Customers are counted as segments count them (bots and cookieless visitors left out), so
-- a cell's customers are exactly the segment `r_score = R AND f_score = F` its link opens. Scores are customer_profiles'
-- (quintiles within the site); every one of the 25 cells is a row, empty ones with zeros.
--   npx spoor sql --param site=demo "$(cat clickhouse/queries/21_rfm_grid_people.sql)"
-- site: a site id, or empty for every site.
SELECT
    r_score,
    f_score,
    c.customers AS customers,
    c.revenue AS revenue
FROM
(
    SELECT toUInt8(r) AS r_score, toUInt8(f) AS f_score
    FROM (SELECT arrayJoin([5, 4, 3, 2, 1]) AS r) ARRAY JOIN [1, 2, 3, 4, 5] AS f
) AS g
LEFT JOIN
(
    SELECT r_score AS c_r, f_score AS c_f, count() AS customers, round(sum(revenue), 2) AS revenue
    FROM spoor.customer_profiles
    WHERE ({site:String} = '' OR site_id = {site:String})
      AND (site_id, customer_id) IN
      (
          SELECT site_id, if(user_id != '', user_id, visitor_id)
          FROM spoor.visitor_profiles
          WHERE is_bot = 0 AND cookieless = 0 AND ({site:String} = '' OR site_id = {site:String})
      )
    GROUP BY c_r, c_f
) AS c ON c.c_r = g.r_score AND c.c_f = g.f_score
ORDER BY r_score DESC, f_score ASC
