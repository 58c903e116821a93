// The worker's insert defaults, on a subpath of their own so the CLI can show and parse them
// without loading the worker (and the engine client) for every command.

/**
 * Event rows one insert takes at most (`spoor worker --batch-size`). An insert costs the engine a
 * fixed ~0.1–0.2 s with all views on, so larger inserts cost less per row (50,000-row ones about
 * half of 10,000-row ones, bench insert-paths); but 50,000 rows and 5,000 held jobs, tried as the
 * default, let held jobs' locks lapse in `spoor up` under lookups and ingest together (bench
 * personalization), so the default stays at the size proven there. Raise it for a worker of its own.
 */
export const DEFAULT_INSERT_ROWS = 10_000;
/** Longest wait of the first row before its insert, in ms (`spoor worker --flush-ms`). */
export const DEFAULT_FLUSH_MS = 200;
