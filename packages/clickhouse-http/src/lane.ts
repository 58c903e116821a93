// A user's queries in flight: at most `size` at once, the rest wait in order for a place, up to a
// deadline. Each running query may hold one of the process's libuv threads, which the engine, the
// worker's inserts, gzip and the file system share; a lane per user keeps analysts from taking
// them all.
import { ClickHouseHttpError } from './errors.js';

export class Lane {
  private running = 0;
  private readonly waiting: Array<{ go: () => void }> = [];

  constructor(
    readonly size: number,
    private readonly waitMs: number,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  /**
   * Resolves with a release function once the query may run. Rejects with
   * TOO_MANY_SIMULTANEOUS_QUERIES after the wait, or with `signal`'s reason (a client that left).
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(ClickHouseHttpError.of('QUERY_WAS_CANCELLED', 'The client went away before the query started'));
    if (this.running < this.size) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const entry = {
        go: () => {
          cleanup();
          resolve(this.take());
        },
      };
      const leave = (err: Error) => {
        cleanup();
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(err);
      };
      const timer = setTimeout(
        () => leave(ClickHouseHttpError.of('TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries. Maximum: ${this.size}`)),
        this.waitMs,
      );
      const onAbort = () => leave(ClickHouseHttpError.of('QUERY_WAS_CANCELLED', 'The client went away before the query started'));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private take(): () => void {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.go();
    };
  }
}
