// Every lookup has a deadline. The embedded engine runs the process's parameterized queries one at
// a time (the worker's, the admin's, the background refreshes' and every lookup's), so a lookup can
// wait behind work that is not its own; without a bound, one slow or stuck query held every
// lookup behind it for as long as it ran. A lookup past its deadline fails with `lookup_timeout`,
// and its queries still waiting for their turn never start, so an overload does not pile up.
import { withTimeLimit, type QueryOptions, type WarehouseReader } from '@spoor/warehouse';
import { PersonalizationError } from './errors.js';

export function lookupTimeout(what: string, ms: number, cause?: unknown): PersonalizationError {
  return new PersonalizationError('lookup_timeout', `${what} did not finish within ${ms} ms`, { cause });
}

/** `work` or a `lookup_timeout` rejection after `ms`, whichever comes first. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeLimit(work, ms, () => lookupTimeout(what, ms));
}

/** The reader for one lookup of at most `ms`: each query gets the time left. */
export function boundedReader(db: WarehouseReader, ms: number, what: string): WarehouseReader {
  const deadlineAt = performance.now() + ms;
  return {
    database: db.database,
    close: () => db.close(),
    async query<T>(sql: string, params?: Record<string, unknown>, opts: QueryOptions = {}): Promise<T[]> {
      const left = Math.min(deadlineAt - performance.now(), opts.timeoutMs ?? Infinity);
      if (left <= 0) throw lookupTimeout(what, ms);
      try {
        return await db.query<T>(sql, params, { timeoutMs: left });
      } catch (err) {
        throw (err as { code?: unknown }).code === 'timeout' ? lookupTimeout(what, ms, err) : err;
      }
    },
  };
}
