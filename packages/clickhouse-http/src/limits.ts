// What one user of the interface may take from the engine, as a server's settings profile with
// constraints gives it: every limit is applied to each of the user's queries, and a read-only user
// may lower a limit but never lift it (a ClickHouse server's `<constraints><max>`).
import { availableParallelism } from 'node:os';

export interface QueryLimits {
  /** Seconds a query may run (`max_execution_time`); 0 is no limit. */
  maxExecutionTimeSec: number;
  /** Bytes one query may allocate (`max_memory_usage`); 0 is no limit. */
  maxMemoryBytes: number;
  /** Rows a result may hold (`max_result_rows`); 0 is no limit. */
  maxResultRows: number;
  /** Bytes a result may hold, uncompressed (`max_result_bytes`); 0 is no limit. */
  maxResultBytes: number;
  /** Threads one query may use (`max_threads`); 0 is the engine's default. */
  maxThreads: number;
  /**
   * The user's queries running at once; further ones wait up to `queueWaitMs` for a place, then fail
   * with TOO_MANY_SIMULTANEOUS_QUERIES (a server's `max_concurrent_queries_for_user` with
   * `queue_max_wait_ms`).
   */
  maxConcurrentQueries: number;
  queueWaitMs: number;
  /**
   * Linux nice value of the threads running the user's queries (`os_threads_nice_value_query`),
   * 0 to 19: at 19 they get the CPU only when the process's ingestion does not want it. Needs
   * CAP_SYS_NICE (root), otherwise the engine ignores it.
   */
  niceValue: number;
}

/** The engine setting each limit is, and whether 0 means "no limit" for it. */
export const LIMIT_SETTINGS = {
  max_execution_time: 'maxExecutionTimeSec',
  max_memory_usage: 'maxMemoryBytes',
  max_result_rows: 'maxResultRows',
  max_result_bytes: 'maxResultBytes',
  max_threads: 'maxThreads',
} as const satisfies Record<string, keyof QueryLimits>;

const GiB = 1024 ** 3;

/**
 * Limits of a read-only (analyst) user on an engine bounded to `engineMemoryBytes`: together its
 * queries can take at most half the engine's memory, so ingestion keeps the other half whatever
 * they do; each ends within two minutes; their threads yield the CPU to ingestion.
 */
export function readOnlyLimits(engineMemoryBytes: number, overrides: Partial<QueryLimits> = {}): QueryLimits {
  const maxConcurrentQueries = overrides.maxConcurrentQueries ?? 16;
  return {
    maxExecutionTimeSec: 120,
    maxMemoryBytes: Math.max(64 * 1024 ** 2, Math.min(2 * GiB, Math.floor(engineMemoryBytes / 2 / maxConcurrentQueries))),
    maxResultRows: 0,
    maxResultBytes: 4 * GiB,
    maxThreads: availableParallelism(),
    queueWaitMs: 10_000,
    niceValue: 19,
    ...overrides,
    maxConcurrentQueries,
  };
}

/** Limits of a writer (Spoor's own processes): bounded only by the engine's memory, many at once. */
export function writerLimits(overrides: Partial<QueryLimits> = {}): QueryLimits {
  return {
    maxExecutionTimeSec: 0,
    maxMemoryBytes: 0,
    maxResultRows: 0,
    maxResultBytes: 0,
    maxThreads: 0,
    maxConcurrentQueries: 32,
    queueWaitMs: 30_000,
    niceValue: 0,
    ...overrides,
  };
}

/** Most queries that may hold a libuv thread of the process at once, over every user. */
export function threadsNeeded(users: ReadonlyArray<{ limits: QueryLimits }>): number {
  return users.reduce((n, u) => n + u.limits.maxConcurrentQueries, 0);
}
