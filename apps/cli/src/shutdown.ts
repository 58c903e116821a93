// Stopping a process's parts in order within one time budget (SPOOR_SHUTDOWN_TIMEOUT): a part that
// hangs (a worker waiting on a Redis that no longer answers) is given up on, said so with what it
// leaves behind, and the next part still stops, so SIGTERM always ends the process in time.
import type { Logger } from './logger.js';

export interface StopPart {
  name: string;
  /** Stops the part; `msLeft` is what remains of the budget. */
  stop(msLeft: number): Promise<void>;
  /** What is left undone when the part did not stop in time, for the log line. */
  leftBehind?(): string | undefined;
  /** Stops it at once, after it did not stop in time. */
  force?(): Promise<void> | void;
}

/** Stops `parts` in order; resolves true when every part stopped within the budget. */
export async function stopWithin(parts: StopPart[], budgetMs: number, log: Logger): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  let complete = true;
  for (const part of parts) {
    // Every part gets a moment, even once the budget is spent, so each can at least let go.
    const msLeft = Math.max(deadline - Date.now(), 500);
    const outcome = await within(part.stop(msLeft), msLeft);
    if (outcome === 'done') continue;
    if (outcome instanceof Error) {
      log.error({ part: part.name, err: outcome.message }, 'error while stopping');
      continue;
    }
    complete = false;
    log.warn({ part: part.name, leftBehind: part.leftBehind?.() }, `${part.name} did not stop within the shutdown time; stopping it anyway`);
    if (part.force)
      await within(
        Promise.resolve().then(() => part.force!()),
        1_000,
      );
  }
  return complete;
}

async function within(p: Promise<void>, ms: number): Promise<'done' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.then(
        () => 'done' as const,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      ),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
