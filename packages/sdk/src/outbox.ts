// Batches waiting for the collector's answer, kept in localStorage so the next page can resend
// them with the same batch_id (the server drops the duplicate if the first try got through).
import { OUTBOX_MAX_AGE_MS, OUTBOX_MAX_EVENTS } from './limits.js';

export interface Batch<E = object> {
  /** batch_id */
  i: string;
  /** created, epoch ms */
  t: number;
  e: E[];
}

/**
 * Drops batches older than the age limit (and anything stored that is no batch), then the oldest
 * until the event count fits. Batches are kept in the order they were made, oldest first. Pure.
 */
export function prune<B extends Batch<unknown>>(batches: B[], nowMs: number): B[] {
  let n = 0;
  return batches
    .filter((b) => nowMs - b.t < OUTBOX_MAX_AGE_MS)
    .reverse()
    .filter((b) => (n += b.e.length) <= OUTBOX_MAX_EVENTS)
    .reverse();
}
