-- Each refusal names the queue job that carried it, so a job processed again (a worker that died
-- before acknowledging, a retry after a failed insert, `spoor replay`) can see which of its
-- refusals are stored already and store only the others: one row per refusal, however often its
-- job runs. Rows written before this migration have an empty job_id.
ALTER TABLE {{db}}.rejected_events {{on_cluster}}
    ADD COLUMN IF NOT EXISTS job_id String DEFAULT '' COMMENT 'The queue job that carried the refusal (site.batch_id.digest); empty for rows older than this column' AFTER batch_id;
