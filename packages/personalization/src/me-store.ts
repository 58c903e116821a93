// The /v1/me states of visitors, read in batches and, when the process hears of new data, kept.
//
// Every query costs the embedded engine tens of milliseconds of CPU whatever it reads, so a lookup
// that reads the warehouse cannot answer in a few milliseconds, nor can 2 cores serve hundreds a
// second that way. So the lookups waiting at one moment share one read (`loadMeStates`: two
// queries for all of them), and, with `keep`, the states read stay in memory and answer later
// lookups without any query. A kept state is only as good as what invalidates it:
// - the worker says which visitors and users each insert touched (`touched`): their states are
//   read again at once, and a lookup meanwhile waits for that read, so an answer never predates
//   an insert the process was told of;
// - a state older than `maxAgeMs` still answers but is read again in the background (what
//   depends on the day, such as the lifecycle, and the partners lists of its products); one older
//   than `expireMs` is not used;
// - the erasure list is checked four times a second, and a kept state of an erased visitor or
//   user answers `unknown` from then on (a state read afresh checks the list itself); while the
//   list could not be checked for a second, no kept state answers;
// - `reset` drops everything (the feed of touched ids was interrupted).
import { boundedReader, withDeadline } from './deadline.js';
import { loadMeStates, seedsOfState, type LookupDeps, type MeState } from './me.js';
import type { SitePolicy } from './policy.js';

export interface MeStoreOptions {
  /** Keep states between lookups (the process is told of touched ids). @defaultValue false */
  keep?: boolean;
  /** Visitors read in one batch. @defaultValue 200 */
  maxBatch?: number;
  /** Batches read at once. @defaultValue 2 */
  concurrency?: number;
  /** A kept state older than this is read again in the background. @defaultValue 60000 */
  maxAgeMs?: number;
  /** A kept state older than this is not used. @defaultValue 600000 */
  expireMs?: number;
  /** States kept at most; the least recently used go first. @defaultValue 50000 */
  maxEntries?: number;
  /** A batch not read in this long fails its lookups. @defaultValue 5000 */
  readTimeoutMs?: number;
  /** How often the erasure list is checked for news, while states are kept. @defaultValue 250 */
  erasurePollMs?: number;
  /** Kept states answer only while the erasure list was checked this recently. @defaultValue 1000 */
  erasureMaxAgeMs?: number;
  onError?: (err: Error) => void;
}

export interface Touched {
  site: string;
  visitors: readonly string[];
  users: readonly string[];
}

interface Entry {
  site: string;
  visitor: string;
  traitKeys: readonly string[];
  state?: MeState;
  loadedAt: number;
  /** Bumped by every touch. */
  version: number;
  /** The version when the kept state's read started: behind `version`, the state is stale. */
  stateVersion: number;
  /** A background read of it is queued or running. */
  refreshing: boolean;
}

interface Batch {
  site: string;
  traitKeys: readonly string[];
  /** Visitor → the lookups waiting for it (none for a background read). */
  ids: Map<string, Array<{ resolve: (s: MeState) => void; reject: (e: Error) => void }>>;
}

export interface MeStore {
  get(policy: SitePolicy, visitorId: string): Promise<MeState>;
  touched(t: Touched): void;
  reset(): void;
  close(): void;
}

const entryKey = (site: string, visitor: string) => `${site}\u0000${visitor}`;
const groupKey = (site: string, traitKeys: readonly string[]) => `${site}\u0000${traitKeys.join('\u0000')}`;
const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

export function createMeStore(deps: Omit<LookupDeps, 'catalog' | 'membership'>, opts: MeStoreOptions = {}): MeStore {
  const keep = opts.keep === true;
  const maxBatch = opts.maxBatch ?? 200;
  const concurrency = opts.concurrency ?? 2;
  const maxAgeMs = opts.maxAgeMs ?? 60_000;
  const expireMs = opts.expireMs ?? 600_000;
  const maxEntries = opts.maxEntries ?? 50_000;
  const readTimeoutMs = opts.readTimeoutMs ?? 5_000;
  const entries = new Map<string, Entry>();
  /** site\0user → keys of the entries of that user's browsers. */
  const byUser = new Map<string, Set<string>>();
  const pending = new Map<string, Batch>();
  let running = 0;
  let erased = new Set<string>();
  let erasedCount = -1;
  /** When the erasure list was last checked (performance.now()). */
  let erasureCheckedAt = -Infinity;
  const erasureMaxAgeMs = opts.erasureMaxAgeMs ?? 1_000;

  function enqueue(site: string, traitKeys: readonly string[], visitor: string, waiter?: { resolve: (s: MeState) => void; reject: (e: Error) => void }) {
    const g = groupKey(site, traitKeys);
    let batch = pending.get(g);
    if (!batch) pending.set(g, (batch = { site, traitKeys, ids: new Map() }));
    const waiters = batch.ids.get(visitor) ?? [];
    if (waiter) waiters.push(waiter);
    batch.ids.set(visitor, waiters);
    pump();
  }

  /** Starts batches while there is room: those with lookups waiting first. */
  function pump() {
    while (running < concurrency && pending.size > 0) {
      const [g, batch] = pickBatch();
      const ids = [...batch.ids.keys()].slice(0, maxBatch);
      const taken = new Map(ids.map((id) => [id, batch.ids.get(id)!]));
      for (const id of ids) batch.ids.delete(id);
      if (batch.ids.size === 0) pending.delete(g);
      running++;
      void read(batch.site, batch.traitKeys, taken).finally(() => {
        running--;
        pump();
      });
    }
  }

  function pickBatch(): [string, Batch] {
    for (const e of pending) if ([...e[1].ids.values()].some((w) => w.length > 0)) return e;
    return pending.entries().next().value!;
  }

  async function read(site: string, traitKeys: readonly string[], taken: Batch['ids']) {
    const ids = [...taken.keys()];
    const versions = ids.map((id) => entries.get(entryKey(site, id))?.version ?? 0);
    try {
      const db = boundedReader(deps.db, readTimeoutMs, `/v1/me of ${ids.length} visitor(s)`);
      const states = await withDeadline(loadMeStates({ db, partners: deps.partners }, site, ids, traitKeys), readTimeoutMs, '/v1/me');
      const at = deps.now();
      ids.forEach((id, i) => {
        const state = states.get(id)!;
        if (keep) store(site, id, traitKeys, state, at, versions[i]!);
        for (const w of taken.get(id)!) w.resolve(state);
      });
    } catch (err) {
      for (const id of ids) {
        const e = entries.get(entryKey(site, id));
        if (e) e.refreshing = false;
      }
      for (const waiters of taken.values()) for (const w of waiters) w.reject(err as Error);
      // Background reads that failed are tried again when next asked for.
      if (taken.size > 0 && [...taken.values()].every((w) => w.length === 0)) opts.onError?.(err as Error);
    }
  }

  /** The entry of a visitor, made before its first read so that a touch during the read counts. */
  function entryOf(site: string, visitor: string, traitKeys: readonly string[]): Entry {
    const k = entryKey(site, visitor);
    let entry = entries.get(k);
    if (!entry) {
      if (entries.size >= maxEntries) drop(entries.keys().next().value!);
      entry = { site, visitor, traitKeys, loadedAt: 0, version: 0, stateVersion: -1, refreshing: false };
      entries.set(k, entry);
    }
    return entry;
  }

  function store(site: string, visitor: string, traitKeys: readonly string[], state: MeState, at: number, readVersion: number) {
    const k = entryKey(site, visitor);
    const entry = entries.get(k);
    // Dropped meanwhile (reset, or pushed out by newer ones): nothing to keep it for.
    if (!entry) return;
    // A read older than the kept state (a slow one overtaken by a later one) is dropped.
    if (entry.state && readVersion < entry.stateVersion) return;
    entry.state = state;
    entry.stateVersion = readVersion;
    entry.traitKeys = traitKeys;
    entry.loadedAt = at;
    entry.refreshing = false;
    const user = state.kind === 'known' ? state.visitor.userId : '';
    if (user) {
      const uk = entryKey(site, user);
      byUser.set(uk, (byUser.get(uk) ?? new Set()).add(k));
    }
    // Touched while it was read: what was read may predate the touch.
    if (entry.version !== readVersion) refresh(entry);
  }

  /** Reads a kept state again in the background (once at a time; a touch meanwhile is seen by its version). */
  function refresh(entry: Entry) {
    if (entry.refreshing) return;
    entry.refreshing = true;
    enqueue(entry.site, entry.traitKeys, entry.visitor);
  }

  function drop(k: string) {
    const e = entries.get(k);
    entries.delete(k);
    const user = e?.state?.kind === 'known' ? e.state.visitor.userId : '';
    if (e && user) byUser.get(entryKey(e.site, user))?.delete(k);
  }

  function isErased(site: string, kind: 'visitor' | 'user', id: string) {
    return id !== '' && (erased.has(`${site}\u0000${kind}\u0000${id}`) || erased.has(`\u0000${kind}\u0000${id}`));
  }

  async function pollErasures() {
    const db = boundedReader(deps.db, readTimeoutMs, 'the erasure list');
    const d = db.database;
    const startedAt = performance.now();
    const n = Number((await db.query<{ n: number }>(`SELECT count() AS n FROM ${d}.forgotten`))[0]?.n ?? 0);
    if (n === erasedCount) {
      erasureCheckedAt = startedAt;
      return;
    }
    const rows = await db.query<{ site_id: string; kind: string; id: string }>(`SELECT site_id, toString(kind) AS kind, id FROM ${d}.forgotten`);
    erased = new Set(rows.map((r) => `${r.site_id}\u0000${r.kind}\u0000${r.id}`));
    erasedCount = n;
    erasureCheckedAt = startedAt;
  }

  let polling = false;
  const poll = () => {
    if (polling) return;
    polling = true;
    pollErasures()
      .catch((err: Error) => opts.onError?.(err))
      .finally(() => (polling = false));
  };
  const poller = keep ? setInterval(poll, opts.erasurePollMs ?? 250) : undefined;
  poller?.unref();
  if (keep) poll();

  return {
    get(policy, visitorId) {
      const site = policy.site;
      const k = entryKey(site, visitorId);
      const entry = keep ? entries.get(k) : undefined;
      const usable = entry?.state && entry.stateVersion === entry.version && sameKeys(entry.traitKeys, policy.exposeTraits);
      if (entry?.state && usable && performance.now() - erasureCheckedAt < erasureMaxAgeMs) {
        const age = deps.now() - entry.loadedAt;
        if (age < expireMs) {
          const state = entry.state;
          if (isErased(site, 'visitor', visitorId) || (state.kind === 'known' && isErased(site, 'user', state.visitor.userId))) {
            return Promise.resolve({ kind: 'unknown' });
          }
          const seeds = seedsOfState(state).map((s) => s.productId);
          if (age >= maxAgeMs || deps.partners.peek(site, seeds).stale) refresh(entry);
          // Most recently used last: the oldest use goes first when the store is full.
          entries.delete(k);
          entries.set(k, entry);
          return Promise.resolve(state);
        }
      }
      if (keep) entryOf(site, visitorId, policy.exposeTraits);
      return new Promise<MeState>((resolve, reject) => enqueue(site, [...policy.exposeTraits], visitorId, { resolve, reject }));
    },
    touched(t) {
      if (!keep) return;
      const keys = new Set<string>();
      for (const v of t.visitors) if (entries.has(entryKey(t.site, v))) keys.add(entryKey(t.site, v));
      for (const u of t.users) for (const k of byUser.get(entryKey(t.site, u)) ?? []) keys.add(k);
      for (const k of keys) {
        const e = entries.get(k)!;
        e.version++;
        refresh(e);
      }
    },
    reset() {
      entries.clear();
      byUser.clear();
    },
    close() {
      if (poller) clearInterval(poller);
    },
  };
}
