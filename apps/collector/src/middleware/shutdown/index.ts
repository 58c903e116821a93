// Graceful shutdown: once it begins, new ingestion requests get 503 (the SDK retries elsewhere or
// later), requests already inside finish, and every answer asks the client to close its
// connection so the server can stop.
import type { MiddlewareHandler } from 'hono';
import { CollectorError } from '../../errors.js';

export interface ShutdownGate {
  middleware: MiddlewareHandler;
  begin(): void;
  readonly closing: boolean;
  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<boolean>;
}

export interface ShutdownOptions {
  /** Paths refused once shutdown began; the others (health, metrics) keep answering. */
  refuse: string[];
  /** @defaultValue 1 */
  retryAfterS?: number;
}

export function shutdownGate(opts: ShutdownOptions): ShutdownGate {
  const refuse = new Set(opts.refuse);
  let closing = false;
  let inFlight = 0;
  const idle: Array<() => void> = [];
  const settle = () => {
    if (inFlight > 0) return;
    for (const resolve of idle.splice(0)) resolve();
  };
  return {
    get closing() {
      return closing;
    },
    begin() {
      closing = true;
    },
    middleware: async (c, next) => {
      if (closing) {
        c.header('Connection', 'close');
        if (refuse.has(c.req.path)) {
          throw new CollectorError(503, 'shutting_down', 'collector is shutting down', { retryAfter: opts.retryAfterS ?? 1 });
        }
      }
      inFlight++;
      try {
        await next();
      } finally {
        inFlight--;
        settle();
      }
      if (closing) c.header('Connection', 'close');
    },
    drain(timeoutMs = 10_000) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idle.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
