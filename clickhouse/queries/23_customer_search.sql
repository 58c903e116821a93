-- Which customers match a search text: a customer id, an e-mail trait (whole, or its beginning, any case) or a visitor id?
-- The admin customer search (/admin/customers?q=...). The text is a value, never SQL. Each match is a person as segments see
-- them: the customer id, or for a never-identified visitor that visitor id; `matched` says how it was found.
--   npx spoor sql --param site=demo --param q=c7-12@example.com "$(cat clickhouse/queries/23_customer_search.sql)"
-- site: a site id, or empty for every site; q: the search text.
SELECT
    site_id,
    customer_id,
    arrayStringConcat(arraySort(groupUniqArray(matched)), ', ') AS matched,
    max(email) AS email
FROM
(
    SELECT site_id, customer_id, 'customer id' AS matched, '' AS email
    FROM spoor.identity_map
    WHERE customer_id = {q:String}
    UNION ALL
    SELECT site_id, customer_id, 'customer id' AS matched, '' AS email
    FROM spoor.customer_profiles
    WHERE customer_id = {q:String}
    UNION ALL
    SELECT site_id, if(ifNull(im.customer_id, '') != '', im.customer_id, v.visitor_id) AS customer_id, 'visitor id' AS matched, '' AS email
    FROM (SELECT DISTINCT site_id, visitor_id FROM spoor.events WHERE visitor_id = {q:String}) AS v
    LEFT JOIN spoor.identity_map AS im ON im.site_id = v.site_id AND im.visitor_id = v.visitor_id
    UNION ALL
    SELECT site_id, user_id AS customer_id, 'e-mail' AS matched, traits['email'] AS email
    FROM
    (
        SELECT site_id, user_id, argMaxMerge(traits) AS traits
        FROM spoor.customer_traits
        GROUP BY site_id, user_id
    )
    WHERE length({q:String}) >= 3 AND startsWith(lower(traits['email']), lower({q:String}))
)
WHERE ({site:String} = '' OR site_id = {site:String})
GROUP BY site_id, customer_id
ORDER BY site_id, customer_id
LIMIT 50
