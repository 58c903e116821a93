// Sends events in batches: bounded by count and time while the page lives, by sendBeacon when it
// hides. A batch stays in the outbox (memory, and localStorage when allowed) until the collector
// answers; a retry, here or on a later page, reuses its batch_id so the server drops duplicates.
// Bodies are text/plain, so the browser sends no CORS preflight.
import { LIMITS } from '@spoor/events/limits';
import { retryable, retryDelay } from './backoff.js';
import { MAX_BODY_BYTES } from './limits.js';
import { prune, type Batch } from './outbox.js';
import type { Store } from './store.js';
import type { TrackerConfig } from './types.js';
import { byteLength, now, on, safe, uuid } from './util.js';

export interface Delivery {
  /** Queues one event, given as its JSON text. */
  push(json: string): void;
  /** Sends what is due; resolves when every request has been answered or has failed. */
  flush(): Promise<void>;
  /** The page is hiding, maybe for good: beacon what fits, send the rest, keep all until answered. */
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

/** `url` is the collector's `/v1/batch`. */
export function createDelivery(url: string, config: TrackerConfig, store: Store): Delivery {
  // Numbers may arrive as data-* strings.
  const batchSize = +config.batchSize! || 20;
  const flushInterval = +(config.flushInterval ?? 1000);
  /** Events not sealed into a batch yet, and their bytes as JSON (with a comma each). */
  let open: object[] = [];
  let bytes = 0;
  let batches: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the planned flush runs; Infinity while none is planned. */
  let due = Infinity;

  // The page's outbox replaces what was stored: it adopted the stored batches when it started.
  // (Another tab's unsent batches may be overwritten; that tab still holds them and writes them
  // back at its next change or when it hides.) Bounded in memory too: a long offline spell.
  const save = () => {
    batches = prune(batches, now());
    if (store.persistent()) store.set('q', JSON.stringify(batches)); // ('[]' once all are answered)
  };

  /** Makes sure a flush happens by `at` (a time already past means at once). */
  const plan = (at: number) => {
    if (at < due) {
      clearTimeout(timer);
      timer = setTimeout(safe(flush), (due = at) - now());
    }
  };

  const drop = (b: Pending) => (batches = batches.filter((x) => x !== b));

  const seal = () => {
    if (open.length) batches.push({ i: uuid(), t: now(), e: open });
    open = [];
    bytes = 0;
  };

  /**
   * Seals what is queued into batches and sends each one due: by beacon while `hiding` (online
   * and within the keepalive budget: offline, a beacon would be lost without a trace), else by
   * fetch. A batch still backing off (maybe since an earlier page) gets a flush planned for its time.
   */
  const flush = (hiding?: boolean): Promise<void> => {
    clearTimeout(timer);
    due = Infinity;
    seal();
    const t = now();
    let room = KEEPALIVE_BUDGET;
    const answered = Promise.all(
      batches.map((b) => {
        if (b[INFLIGHT] || b.w! > t) return b[INFLIGHT] ?? plan(b.w!);
        const answer = (r?: Partial<Response>) => {
          b[INFLIGHT] = undefined;
          // (-~n: one more failure, the first when there was none)
          if (retryable(r?.status)) plan((b.w = now() + retryDelay((b.n = -~b.n!), r?.headers?.get('Retry-After'))));
          // Accepted, or refused for good (400, 403, 413): resending cannot help.
          else drop(b);
        };
        // webdriver: an automated browser says so (true), and the collector flags its events as a bot's.
        const body = JSON.stringify({ site: config.site, batch_id: b.i, sent_at: t, webdriver: navigator.webdriver, events: b.e });
        const size = byteLength(body);
        // A string is sent as text/plain;charset=UTF-8, like a text/plain Blob.
        if (hiding && navigator.onLine && size <= room && navigator.sendBeacon(url, body)) {
          room -= size;
          drop(b);
        } else {
          return (b[INFLIGHT] = fetch(url, {
            method: 'POST',
            body, // a string body goes as text/plain;charset=UTF-8
            // Lets the request outlive the page. Browsers refuse it beyond 64 KiB in flight in
            // total; that failure is retried like any network error.
            keepalive: true,
            credentials: 'include',
          }).then(answer, answer)); // (a network error: no status)
        }
      }),
      // Answers arrive in bursts: one outbox write once this flush's requests are answered, not
      // one per answer (each write serialises every stored batch). A page gone first leaves an
      // answered batch stored; the next page resends it with its batch_id and the server drops
      // the copy.
    ).then(save);
    save();
    return answered as Promise<unknown> as Promise<void>;
  };

  // Back online: whatever waits for a retry goes now.
  on('online', () => {
    for (const b of batches) b.w = 0;
    void flush();
  });

  return {
    push(json) {
      const n = byteLength(json) + 1; // the comma
      // Over the request budget even alone (fit() could not shrink it), it could never be sent.
      if (n > MAX_BODY_BYTES - ENVELOPE_BYTES) return;
      // Batches stay within the collector's event count and the request budget.
      if (open.length >= Math.min(batchSize, LIMITS.maxEventsPerBatch) || bytes + n > MAX_BODY_BYTES - ENVELOPE_BYTES) seal();
      bytes += n;
      // A full batch goes in a task of its own, never inside the page's event handler.
      plan(now() + (open.push(JSON.parse(json) as object) < batchSize ? flushInterval : 0));
    },
    flush,
    hide: () => flush(true), // (never rejects)
    adopt() {
      // What earlier pages left (anything unreadable or not a batch is dropped).
      safe(() => (batches = prune([...(JSON.parse(store.get('q')!) as Pending[]), ...batches], now())))();
      save();
      if (batches.length) plan(now());
    },
  };
}
