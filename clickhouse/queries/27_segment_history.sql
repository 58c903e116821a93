-- How many people did a segment hold at each delivered webhook run, and how many entered and left?
-- The admin segment views' size over time (/admin/segments?segment=NAME): one row per delivered run of each of the segment's
-- feeds (segment_runs, written by `spoor segments export NAME --to URL` and the page's schedules), oldest first.
--   npx spoor sql --param segment=cart_abandoners "$(cat clickhouse/queries/27_segment_history.sql)"
-- segment: the segment's name.
SELECT taken_at, members, entered, left, destination, feed
FROM spoor.segment_runs
WHERE segment = {segment:String}
ORDER BY taken_at, feed
LIMIT 1000
