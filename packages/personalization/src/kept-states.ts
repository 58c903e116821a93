// People's states for the lookups (what /v1/me or /v1/profiles is built from), read in batches and,
// when the process hears of new data, kept between lookups.
//
// Every query costs the embedded engine tens of milliseconds of CPU whatever it reads, so a lookup
// that reads the warehouse cannot answer in a few milliseconds, nor can 2 cores serve hundreds a
// second that way. So the lookups waiting at one moment share one read (`load`, given many ids),
// and, with `keep`, the states read stay in memory and answer later lookups without any query. A
// kept state is only as good as what invalidates it:
// - the worker says which visitors and users each insert touched (`touched`): the states of those
//   people are read again at once, and a lookup meanwhile waits for that read, so an answer never
//   predates an insert the process was told of;
// - a state older than `maxAgeMs` still answers but is read again in the background (what depends
//   on the date, such as recency and lifecycle); one older than `expireMs` is not used (the
//   site-wide parts an answer is built with, from their own caches, are not part of a state);
// - an erased visitor or user (erasure-watch.ts) is `erased` from the moment the list is checked
//   again, and while it could not be checked for `erasureMaxAgeMs`, no kept state answers;
// - `reset` drops everything (the feed of touched ids was interrupted).
import type { ErasureWatch } from './erasure-watch.js';

export interface KeptStatesOptions<V, S> {
  /** Reads the states of many ids of a site (every id asked gets one). */
  load(site: string, variant: V, ids: readonly string[]): Promise<Map<string, S>>;
  /** The visitors and users a state belongs to: a touch or an erasure of any of them reaches it. */
  people(id: string, state: S): { visitors: readonly string[]; users: readonly string[] };
  /** What a lookup of an erased person gets. */
  erased: S;
  /** Tells variants apart (states of one variant answer lookups of that variant only). */
  variantKey(variant: V): string;
  /** Keep states between lookups (the process is told of touched ids). @defaultValue false */
  keep?: boolean;
  /** The erasure list, when states are kept. */
  erasures?: ErasureWatch;
  /** Ids read in one batch. @defaultValue 200 */
  maxBatch?: number;
  /** Batches read at once. @defaultValue 2 */
  concurrency?: number;
  /** A kept state older than this is read again in the background. @defaultValue 600000 */
  maxAgeMs?: number;
  /** A kept state older than this is not used. @defaultValue 3600000 */
  expireMs?: number;
  /** States kept at most; the least recently used go first. @defaultValue 50000 */
  maxEntries?: number;
  /** Kept states answer only while the erasure list was checked this recently. @defaultValue 2000 */
  erasureMaxAgeMs?: number;
  /** How long a lookup waits (its deadline): an id whose lookups all gave up is not read. @defaultValue 5000 */
  waitMs?: number;
  /** A background read failed (it is tried again when next asked for). */
  onError?: (err: Error) => void;
  now?: () => number;
}

/** What the worker's insert touched on a site (an erasure: on every site when `site` is empty). */
export interface Touched {
  site: string;
  visitors: readonly string[];
  users: readonly string[];
}

export interface KeptStates<V, S> {
  get(site: string, variant: V, id: string): Promise<S>;
  touched(t: Touched): void;
  reset(): void;
}

interface Entry<V, S> {
  site: string;
  id: string;
  variant: V;
  state?: S;
  loadedAt: number;
  /** Bumped by every touch. */
  version: number;
  /** The version when the kept state's read started: behind `version`, the state is stale. */
  stateVersion: number;
  /** A background read of it is queued or running. */
  refreshing: boolean;
  /** Person keys it is indexed under. */
  people: string[];
}

interface Waiter<S> {
  resolve: (s: S) => void;
  reject: (e: Error) => void;
  /** performance.now() past which the lookup has given up (its deadline answered it). */
  until: number;
}

interface Wanted<S> {
  waiters: Array<Waiter<S>>;
  /** A background read (a touch, an old state): read even with nobody waiting. */
  background: boolean;
}

interface Batch<V, S> {
  site: string;
  variant: V;
  ids: Map<string, Wanted<S>>;
  /** Ids with a lookup waiting: such batches go first, found without scanning their ids. */
  waiting: number;
}

const join = (...parts: string[]) => parts.join('\u0000');

export function keptStates<V, S>(opts: KeptStatesOptions<V, S>): KeptStates<V, S> {
  const keep = opts.keep === true;
  const now = opts.now ?? Date.now;
  const maxBatch = opts.maxBatch ?? 200;
  const concurrency = opts.concurrency ?? 2;
  const maxAgeMs = opts.maxAgeMs ?? 600_000;
  const expireMs = opts.expireMs ?? 3_600_000;
  const maxEntries = opts.maxEntries ?? 50_000;
  const erasureMaxAgeMs = opts.erasureMaxAgeMs ?? 2_000;
  const waitMs = opts.waitMs ?? 5_000;
  const entries = new Map<string, Entry<V, S>>();
  /** Person key (site, kind, id) → keys of the entries that belong to that person. */
  const byPerson = new Map<string, Set<string>>();
  const pending = new Map<string, Batch<V, S>>();
  /** Entry key → the read of it under way: the version it started at, and who waits for it. */
  const inflight = new Map<string, { version: number; waiters: Array<Waiter<S>> }>();
  let running = 0;

  const entryKey = (site: string, variant: V, id: string) => join(site, opts.variantKey(variant), id);

  function enqueue(site: string, variant: V, id: string, waiter?: Waiter<S>) {
    const g = join(site, opts.variantKey(variant));
    let batch = pending.get(g);
    if (!batch) pending.set(g, (batch = { site, variant, ids: new Map(), waiting: 0 }));
    const wanted = batch.ids.get(id) ?? { waiters: [], background: false };
    if (waiter) {
      if (wanted.waiters.length === 0) batch.waiting++;
      wanted.waiters.push(waiter);
    } else wanted.background = true;
    batch.ids.set(id, wanted);
    pump();
  }

  /** A lookup waiting for `id`'s read. */
  const wait = (site: string, variant: V, id: string) =>
    new Promise<S>((resolve, reject) => enqueue(site, variant, id, { resolve, reject, until: performance.now() + waitMs }));

  /**
   * The next ids to read of a batch: those of lookups still waiting and background reads. An id
   * whose lookups all gave up is dropped, so an overload leaves no backlog of reads behind it.
   */
  function take(batch: Batch<V, S>): Map<string, Array<Waiter<S>>> {
    const at = performance.now();
    const taken = new Map<string, Array<Waiter<S>>>();
    for (const [id, wanted] of batch.ids) {
      if (taken.size >= maxBatch) break;
      batch.ids.delete(id);
      if (wanted.waiters.length > 0) batch.waiting--;
      const waiters = wanted.waiters.filter((w) => w.until > at);
      if (waiters.length > 0 || wanted.background) taken.set(id, waiters);
      else {
        const e = entries.get(entryKey(batch.site, batch.variant, id));
        if (e) e.refreshing = false;
      }
    }
    return taken;
  }

  /** Starts batches while there is room: those with lookups waiting first. */
  function pump() {
    while (running < concurrency && pending.size > 0) {
      const [g, batch] = [...pending].find(([, b]) => b.waiting > 0) ?? pending.entries().next().value!;
      const taken = take(batch);
      if (batch.ids.size === 0) pending.delete(g);
      if (taken.size === 0) continue;
      running++;
      void read(batch.site, batch.variant, taken).finally(() => {
        running--;
        pump();
      });
    }
  }

  async function read(site: string, variant: V, taken: Map<string, Array<Waiter<S>>>) {
    const ids = [...taken.keys()];
    const versions = ids.map((id) => entries.get(entryKey(site, variant, id))?.version ?? 0);
    ids.forEach((id, i) => inflight.set(entryKey(site, variant, id), { version: versions[i]!, waiters: taken.get(id)! }));
    try {
      const states = await opts.load(site, variant, ids);
      const at = now();
      ids.forEach((id, i) => {
        const state = states.get(id)!;
        if (keep) store(site, variant, id, state, at, versions[i]!);
        for (const w of taken.get(id)!) w.resolve(state);
      });
    } catch (err) {
      for (const id of ids) {
        const e = entries.get(entryKey(site, variant, id));
        if (e) e.refreshing = false;
      }
      for (const waiters of taken.values()) for (const w of waiters) w.reject(err as Error);
      if ([...taken.values()].every((w) => w.length === 0)) opts.onError?.(err as Error);
    } finally {
      for (const id of ids) inflight.delete(entryKey(site, variant, id));
    }
  }

  /** The entry of an id, made before its first read so that a touch during the read counts. */
  function entryOf(site: string, variant: V, id: string): Entry<V, S> {
    const k = entryKey(site, variant, id);
    let entry = entries.get(k);
    if (!entry) {
      if (entries.size >= maxEntries) drop(entries.keys().next().value!);
      entry = { site, id, variant, loadedAt: 0, version: 0, stateVersion: -1, refreshing: false, people: [] };
      entries.set(k, entry);
      index(k, entry, [
        ['visitor', id],
        ['user', id],
      ]);
    }
    return entry;
  }

  /** Indexes an entry under its people, on its site and on no site (what an erasure of every site names). */
  function index(k: string, entry: Entry<V, S>, people: Array<[kind: string, id: string]>) {
    unindex(k, entry);
    entry.people = people.flatMap(([kind, id]) => [join(entry.site, kind, id), join('', kind, id)]);
    for (const p of entry.people) byPerson.set(p, (byPerson.get(p) ?? new Set()).add(k));
  }

  function store(site: string, variant: V, id: string, state: S, at: number, readVersion: number) {
    const k = entryKey(site, variant, id);
    const entry = entries.get(k);
    // Dropped meanwhile (reset, or pushed out by newer ones): nothing to keep it for.
    if (!entry) return;
    entry.refreshing = false;
    // A read older than the kept state (a slow one overtaken by a later one) is dropped.
    if (entry.state === undefined || readVersion >= entry.stateVersion) {
      entry.state = state;
      entry.stateVersion = readVersion;
      entry.loadedAt = at;
      const { visitors, users } = opts.people(id, state);
      index(k, entry, [
        ['visitor', id],
        ['user', id],
        ...visitors.map((v): [string, string] => ['visitor', v]),
        ...users.map((u): [string, string] => ['user', u]),
      ]);
    }
    // Touched while it was read: what was read may predate the touch.
    if (entry.version !== readVersion) refresh(entry);
  }

  /** Reads a kept state again in the background (once at a time; a touch meanwhile is seen by its version). */
  function refresh(entry: Entry<V, S>) {
    if (entry.refreshing) return;
    entry.refreshing = true;
    enqueue(entry.site, entry.variant, entry.id);
  }

  function drop(k: string) {
    const e = entries.get(k);
    entries.delete(k);
    if (e) unindex(k, e);
  }

  function unindex(k: string, entry: Entry<V, S>) {
    for (const p of entry.people) {
      const keys = byPerson.get(p);
      keys?.delete(k);
      if (keys?.size === 0) byPerson.delete(p);
    }
  }

  function isErased(site: string, id: string, state: S): boolean {
    const w = opts.erasures;
    if (!w) return false;
    const { visitors, users } = opts.people(id, state);
    return visitors.some((v) => w.erased(site, 'visitor', v)) || users.some((u) => w.erased(site, 'user', u));
  }

  return {
    get(site, variant, id) {
      if (!keep) return wait(site, variant, id);
      const k = entryKey(site, variant, id);
      const entry = entries.get(k);
      const checked = (opts.erasures?.age() ?? Infinity) < erasureMaxAgeMs;
      if (entry?.state !== undefined && entry.stateVersion === entry.version && checked) {
        const age = now() - entry.loadedAt;
        if (age < expireMs) {
          const state = entry.state;
          if (isErased(site, id, state)) return Promise.resolve(opts.erased);
          if (age >= maxAgeMs) refresh(entry);
          // Most recently used last: the oldest use goes first when the store is full.
          entries.delete(k);
          entries.set(k, entry);
          return Promise.resolve(state);
        }
      }
      const e = entryOf(site, variant, id);
      // A read under way that started after the latest touch answers this lookup too.
      const under = inflight.get(k);
      if (under && under.version === e.version) {
        return new Promise<S>((resolve, reject) => under.waiters.push({ resolve, reject, until: performance.now() + waitMs }));
      }
      return wait(site, variant, id);
    },
    touched(t) {
      if (!keep) return;
      const keys = new Set<string>();
      for (const v of t.visitors) for (const k of byPerson.get(join(t.site, 'visitor', v)) ?? []) keys.add(k);
      for (const u of t.users) for (const k of byPerson.get(join(t.site, 'user', u)) ?? []) keys.add(k);
      for (const k of keys) {
        const e = entries.get(k);
        if (!e) continue;
        e.version++;
        refresh(e);
      }
    },
    reset() {
      entries.clear();
      byPerson.clear();
    },
  };
}
