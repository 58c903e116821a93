// Small browser helpers that must never throw.

/**
 * A random (version 4) UUID. `crypto.randomUUID` exists only in secure contexts; on plain-http
 * pages the browser's own blob URLs supply one (every engine ends them with a random UUID).
 */
export function uuid(): string {
  try {
    return crypto.randomUUID();
  } catch {
    const u = URL.createObjectURL(new Blob());
    URL.revokeObjectURL(u);
    return u.slice(-36);
  }
}

/** Wraps `fn` so that anything it throws is swallowed: the host page must never see our errors. */
export const safe =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch {
      // swallowed: the result is undefined
    }
  };

/** `api` (an object literal of methods) with each method wrapped by `safe`. */
export function guard<T extends object>(api: T): T {
  const o = api as Record<string, (...a: unknown[]) => unknown>;
  for (const k in o) o[k] = safe(o[k]!);
  return api;
}

/**
 * A listener whose errors never reach the page, capturing at the window: it hears the window's
 * own events and, in their capture phase, every event dispatched in the document (click,
 * visibilitychange, scroll, a custom event that does not bubble), before the page's handlers can
 * stop them. (It never cancels an event, and none it hears is a touch or wheel event, the only
 * ones a `passive` flag would speed up.)
 */
export function on(type: string, fn: (e: Event) => void): void {
  addEventListener(type, safe(fn) as EventListener, true);
}

export const now = (): number => Date.now();

/**
 * An upper bound of the UTF-8 byte length (what the collector measures): each non-ASCII UTF-16
 * unit counts 3 bytes. Exact for ASCII, and far cheaper than a Blob or a TextEncoder.
 */
export const byteLength = (s: string): number => s.replace(/[^\0-\x7f]/g, '...').length;
