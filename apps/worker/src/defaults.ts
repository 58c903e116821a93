// The worker's insert defaults, on a subpath of their own so the CLI can show and parse them
// without loading the worker (and the engine client) for every command.

/**
 * Event rows one insert takes at most (`spoor worker --batch-size`). Large, because an insert
 * costs the engine a fixed ~0.1–0.2 s with all views on: under load, 50,000-row inserts take
 * about half the time per row of 10,000-row ones (bench insert-paths).
 */
export const DEFAULT_INSERT_ROWS = 50_000;
/** Longest wait of the first row before its insert, in ms (`spoor worker --flush-ms`). */
export const DEFAULT_FLUSH_MS = 200;
