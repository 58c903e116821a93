// The insert settings Spoor's exactly-once chain relies on, set on every insert rather than trusted
// from server defaults (the embedded engine defaults to async_insert=1, for one).
import type { Settings } from './sql.js';

/** Deduplicating synchronous insert: a retry with the same token is a no-op, also in views. */
export function dedupInsertSettings(token: string): Settings {
  return {
    async_insert: 0,
    insert_deduplicate: 1,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    insert_deduplication_token: token,
    // Into a Distributed table (SPOOR_CLICKHOUSE_CLUSTER) the insert returns only once the shards
    // have the rows, instead of queueing them on the receiving node; no effect on a plain table.
    distributed_foreground_insert: 1,
  };
}

/**
 * The nice value of ingest work that may wait while a process answers requests: `spoor up`'s worker
 * thread, the engine threads running its inserts, and the embedded engine's background merges (in
 * `spoor up`, every thread but the one answering HTTP, and its Redis: apps/cli/src/answers-first.ts).
 * With a core free it changes nothing; when both are wanted, answers come first. 10 was tried side
 * by side with 5 (2026-12-02, bench e2e and personalization's lookup phase, alternating runs): on a
 * slow host the lookups' p99 was no better, and event-to-queryable p99 was worse (median of five
 * pairs 1.8 s against 1.0 s).
 */
export const INGEST_NICE = 5;
