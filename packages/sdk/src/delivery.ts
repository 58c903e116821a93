// Sends events in batches: bounded by count and time while the page lives, by sendBeacon when it
// hides. A batch stays in the outbox (memory, and localStorage when allowed) until the collector
// answers; a retry, here or on a later page, reuses its batch_id so the server drops duplicates.
// Bodies are text/plain, so the browser sends no CORS preflight.
import { retryable, retryDelay } from './backoff.js';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH } from './limits.js';
import { prune, readOutbox, writeOutbox, type Batch } from './outbox.js';
import { pack } from './pack.js';
import type { Store } from './store.js';
import type { TrackerConfig } from './types.js';
import { byteLength, now, on, safe, uuid } from './util.js';

export interface Delivery {
  push(event: object): void;
  /** Sends what is due; resolves when every request has been answered or has failed. */
  flush(): Promise<void>;
  /** The page is hiding, maybe for good: beacon what fits, keep the rest for the next page. */
  hide(): void;
  /** Storage has just been allowed: keep the outbox there and pick up what earlier pages left (call once). */
  adopt(): void;
}

/** The request in flight; a symbol key, so JSON.stringify leaves it out of the stored outbox. */
const INFLIGHT = Symbol();

interface Pending extends Batch {
  /** Failures so far (kept with the batch). */
  n?: number;
  /** Not to be sent before this time (backoff, kept with the batch). */
  w?: number;
  [INFLIGHT]?: Promise<void> | undefined;
}

/** Room left in the envelope around the events: site, batch_id, sent_at and keys. */
const ENVELOPE_BYTES = 512;
/** Browsers refuse keepalive requests beyond 64 KiB in flight in total. */
const KEEPALIVE_BUDGET = 64 * 1024;

export function createDelivery(config: TrackerConfig, store: Store): Delivery {
  const url = `${String(config.endpoint).replace(/\/+$/, '')}/v1/batch`;
  // Numbers may arrive as data-* strings.
  const batchSize = Number(config.batchSize) || 20;
  const flushInterval = Number(config.flushInterval ?? 1000);
  let open: object[] = [];
  let batches: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the planned flush runs; Infinity while none is planned. */
  let due = Infinity;
  let saving: ReturnType<typeof setTimeout> | undefined;

  // webdriver: an automated browser says so, and the collector flags its events as a bot's.
  const body = (b: Batch) => JSON.stringify({ site: config.site, batch_id: b.i, sent_at: now(), webdriver: navigator.webdriver || undefined, events: b.e });

  // The page's outbox replaces what was stored: it adopted the stored batches when it started.
  // (Another tab's unsent batches may be overwritten; that tab still holds them and writes them
  // back at its next change or when it hides.)
  const save = () => {
    batches = prune(batches, now()); // bounded in memory too: a long offline spell in an SPA
    if (store.persistent()) writeOutbox(store, batches);
  };

  const done = (b: Batch) => {
    batches = batches.filter((x) => x !== b);
  };

  /** Makes sure a flush happens by `at` (a time already past means at once). */
  const plan = (at: number) => {
    if (at < due) {
      clearTimeout(timer);
      due = at;
      timer = setTimeout(safe(flush), at - now());
    }
  };

  const seal = () => {
    if (!open.length) return;
    for (const e of pack(open, Math.min(batchSize, MAX_EVENTS_PER_BATCH), MAX_BODY_BYTES - ENVELOPE_BYTES)) {
      batches.push({ i: uuid(), t: now(), e });
    }
    open = [];
    save();
  };

  const send = (b: Pending): Promise<void> =>
    (b[INFLIGHT] = fetch(url, {
      method: 'POST',
      body: body(b), // a string body goes as text/plain;charset=UTF-8
      // Lets the request outlive the page. Browsers refuse it beyond 64 KiB in flight in total;
      // that failure is retried like any network error.
      keepalive: true,
      credentials: 'include',
    })
      .catch(() => undefined) // a network error: status 0
      .then((r) => {
        b[INFLIGHT] = undefined;
        if (retryable(r?.status ?? 0)) {
          b.w = now() + retryDelay((b.n = (b.n ?? 0) + 1), r?.headers.get('Retry-After'));
          plan(b.w);
        } else done(b); // accepted, or refused for good (400, 403, 413): resending cannot help
        // Answers arrive in bursts: one outbox write after them, not one per answer (each write
        // serialises every stored batch). A page gone first leaves an answered batch stored; the
        // next page resends it with its batch_id and the server drops the copy.
        saving ??= setTimeout(() => ((saving = undefined), save()));
      }));

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    due = Infinity;
    seal();
    const t = now();
    // A batch still backing off (maybe since an earlier page) gets a flush planned for its time.
    return Promise.all(batches.map((b) => b[INFLIGHT] ?? (b.w! > t ? plan(b.w!) : send(b)))) as Promise<unknown> as Promise<void>;
  };

  // Back online: whatever waits for a retry goes now.
  on(window, 'online', () => {
    for (const b of batches) b.w = 0;
    void flush();
  });

  return {
    push(event) {
      // A full batch goes in a task of its own, never inside the page's event handler.
      plan(now() + (open.push(event) < batchSize ? flushInterval : 0));
    },
    flush,
    hide() {
      seal();
      const t = now();
      let budget = KEEPALIVE_BUDGET;
      // Offline, a beacon would be lost without a trace: the outbox keeps the batches instead.
      if (navigator.onLine) {
        for (const b of batches) {
          if (b[INFLIGHT] || b.w! > t) continue;
          const data = body(b);
          const size = byteLength(data);
          // A string is sent as text/plain;charset=UTF-8, like a text/plain Blob.
          if (size <= budget && navigator.sendBeacon(url, data)) {
            budget -= size;
            done(b);
          } else void send(b);
        }
      }
      save();
    },
    adopt() {
      batches = [...readOutbox(store), ...batches];
      save();
      if (batches.length) plan(now());
    },
  };
}
