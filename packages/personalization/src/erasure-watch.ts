// The erasure list (`forgotten`, written first by `spoor forget`) as the kept states see it: checked
// four times a second by a count, read whole only when the count moved. A kept state may answer
// only while the list was checked recently; a state read afresh checks the table itself.
import type { WarehouseReader } from '@spoor/warehouse';
import { boundedReader } from './deadline.js';

export interface ErasureWatchOptions {
  /** @defaultValue 250 */
  pollMs?: number;
  /** A check not done in this long fails (and the next one starts). @defaultValue 5000 */
  timeoutMs?: number;
  onError?: (err: Error) => void;
}

export interface ErasureWatch {
  /** Whether the list names this visitor or user, for the site or for every site. */
  erased(site: string, kind: 'visitor' | 'user', id: string): boolean;
  /** Milliseconds since the list was last checked (Infinity before the first check). */
  age(): number;
  close(): void;
}

export function watchErasures(db: WarehouseReader, opts: ErasureWatchOptions = {}): ErasureWatch {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let names = new Set<string>();
  let count = -1;
  let checkedAt = -Infinity;
  let polling = false;
  const key = (site: string, kind: string, id: string) => `${site}\u0000${kind}\u0000${id}`;

  async function check() {
    const bounded = boundedReader(db, timeoutMs, 'the erasure list');
    const d = bounded.database;
    const startedAt = performance.now();
    const n = Number((await bounded.query<{ n: number }>(`SELECT count() AS n FROM ${d}.forgotten`))[0]?.n ?? 0);
    if (n !== count) {
      const rows = await bounded.query<{ site_id: string; kind: string; id: string }>(`SELECT site_id, toString(kind) AS kind, id FROM ${d}.forgotten`);
      names = new Set(rows.map((r) => key(r.site_id, r.kind, r.id)));
      count = n;
    }
    checkedAt = startedAt;
  }

  const poll = () => {
    if (polling) return;
    polling = true;
    check()
      .catch((err: Error) => opts.onError?.(err))
      .finally(() => (polling = false));
  };
  const timer = setInterval(poll, opts.pollMs ?? 250);
  timer.unref();
  poll();

  return {
    erased: (site, kind, id) => id !== '' && (names.has(key(site, kind, id)) || names.has(key('', kind, id))),
    age: () => performance.now() - checkedAt,
    close: () => clearInterval(timer),
  };
}
