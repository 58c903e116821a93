// Site-wide figures that change slowly (popular products, RFM score levels, segment membership)
// are computed over a whole site, far too costly for a lookup; they are kept here per key and
// refreshed in the background once older than their time to live, while lookups keep using the
// last value. Only the very first lookup of a key waits for it.

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

  function load(key: string, entry: Entry<V>): Promise<V> {
    entry.loading ??= opts
      .load(key)
      .then((value) => {
        entry.value = value;
        entry.loadedAt = now();
        return value;
      })
      .finally(() => {
        entry.loading = undefined;
      });
    return entry.loading;
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
