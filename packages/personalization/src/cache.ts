// Site-wide figures that change slowly (popular products, RFM score levels, segment membership)
// are computed over a whole site, far too costly for a lookup; they are kept here per key and
// refreshed in the background once older than their time to live, while lookups keep using the
// last value. Only the very first lookup of a key waits for it. A load is bounded: one that does
// not settle in `loadTimeoutMs` fails its waiters and the next lookup starts another, so a stuck
// read can neither hold lookups forever nor stop the refreshes.
import { withDeadline } from './deadline.js';

export interface RefreshingCache<V> {
  get(key: string): Promise<V>;
  /** Forgets every value (tests, or a change that must show at once). */
  clear(): void;
}

interface Entry<V> {
  value?: V;
  loadedAt: number;
  loading?: Promise<V>;
}

export interface RefreshingCacheOptions<V> {
  load: (key: string) => Promise<V>;
  ttlMs: number;
  /** A load not settled after this long fails (and may be tried again). @defaultValue 60000 */
  loadTimeoutMs?: number;
  /** Keys kept at once; the least recently loaded go first. @defaultValue 1000 */
  maxKeys?: number;
  /** A background refresh failed; the last value stays in use. */
  onError?: (err: Error) => void;
  now?: () => number;
}

export function refreshingCache<V>(opts: RefreshingCacheOptions<V>): RefreshingCache<V> {
  const entries = new Map<string, Entry<V>>();
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 1000;
  const loadTimeoutMs = opts.loadTimeoutMs ?? 60_000;

  function load(key: string, entry: Entry<V>): Promise<V> {
    if (entry.loading) return entry.loading;
    const loading = withDeadline(
      // A load that throws before its first await still settles as a rejection.
      Promise.resolve().then(() => opts.load(key)),
      loadTimeoutMs,
      `loading ${key}`,
    ).then((value) => {
      // A load that timed out never gets here: its late value is dropped.
      entry.value = value;
      entry.loadedAt = now();
      return value;
    });
    entry.loading = loading;
    const done = () => {
      if (entry.loading === loading) entry.loading = undefined;
    };
    loading.then(done, done);
    return loading;
  }

  return {
    async get(key) {
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
        entry = { loadedAt: 0 };
        entries.set(key, entry);
      }
      if (!('value' in entry)) return load(key, entry);
      if (now() - entry.loadedAt >= opts.ttlMs) load(key, entry).catch((err: Error) => opts.onError?.(err));
      return entry.value!;
    },
    clear: () => entries.clear(),
  };
}
