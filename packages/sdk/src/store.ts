// Where the SDK keeps its state: memory always; cookies and localStorage only once allowed.
// Until then (consent pending) or never (cookieless), everything lives and dies with the page.
// Every access is guarded: storage may be full, blocked or throw on the host page.
import { now, safe } from './util.js';

const attempt = <T>(f: () => T): T | undefined => safe(f)();

export interface Store {
  get(key: string): string | undefined;
  /** `maxAgeS` also writes a first-party cookie (for ids that subdomains share). */
  set(key: string, value: string, maxAgeS?: number): void;
  del(key: string): void;
  /** Whether values reach the device (cookies, localStorage) or stay in memory. */
  persistent(): boolean;
  /** Starts persisting, writing through what memory holds so far; `false` stops (keeps what is there). */
  persist(on: boolean): void;
  /** Back to memory only, removing what was written to the device. */
  forget(): void;
}

/** Keys also kept in first-party cookies (written with a max age), so subdomains share them. */
const COOKIES = /^spoor_(vid|sid)$/;

/** Keys the SDK writes; `forget` removes them all. */
export const KEYS = ['spoor_vid', 'spoor_sid', 'spoor_uid', 'spoor_cart', 'spoor_q', 'spoor_consent', 'spoor_orders'] as const;

export function createStore(cookieDomain?: string): Store {
  const mem: Record<string, [string, number | undefined]> = {};
  let on = false;
  // Reading document.cookie is slow (it asks the browser's cookie store), so the jar is read at
  // most once a second; our own writes invalidate it. Other tabs' changes show within a second.
  let jar: string | undefined;
  let jarAt = 0;
  const cookies = () => (now() - jarAt < 1000 ? jar : ((jarAt = now()), (jar = document.cookie)));
  const write = (key: string, value: string, maxAgeS?: number) => {
    // Full or blocked storage, cookies off: memory keeps the value for this page.
    attempt(() => (value ? localStorage.setItem(key, value) : localStorage.removeItem(key)));
    if (maxAgeS != null) {
      jarAt = 0;
      attempt(
        () =>
          (document.cookie =
            // Only ids go here (UUIDs, digits and dots), so no encoding is needed.
            `${key}=${value}; Max-Age=${maxAgeS}; Path=/; SameSite=Lax` +
            (cookieDomain ? `; Domain=${cookieDomain}` : '') +
            (location.protocol === 'https:' ? '; Secure' : '')),
      );
    }
  };
  const store: Store = {
    get: (key) =>
      (on &&
        // Only ids live in cookies (reading document.cookie is not free); a missing cookie
        // throws here (no match), which moves on to localStorage.
        ((COOKIES.test(key) ? attempt(() => cookies()!.match(`(?:^|; )${key}=([^;]*)`)![1]) : 0) ||
          attempt(() => localStorage.getItem(key)))) ||
      mem[key]?.[0],
    set(key, value, maxAgeS) {
      mem[key] = [value, maxAgeS];
      if (on) write(key, value, maxAgeS);
    },
    del(key) {
      delete mem[key];
      if (on) write(key, '', 0);
    },
    persistent: () => on,
    persist(yes) {
      if (yes && !on) for (const k in mem) write(k, ...mem[k]!);
      on = yes;
    },
    forget() {
      on = true;
      for (const k of KEYS) store.del(k);
      on = false;
    },
  };
  return store;
}
