// Where the SDK keeps its state: memory always; cookies and localStorage only once allowed.
// Until then (consent pending) or never (cookieless), everything lives and dies with the page.
// Every access is guarded: storage may be full, blocked or throw on the host page.
import { now, safe } from './util.js';

const attempt = <T>(f: () => T): T | undefined => safe(f)();

/** The keys the SDK keeps, without the `spoor_` every stored name starts with. */
export type Key = 'vid' | 'sid' | 'uid' | 'cart' | 'q' | 'consent' | 'orders';

export interface Store {
  get(key: Key): string | undefined;
  /** `maxAgeS` also writes a first-party cookie (for ids that subdomains share); '' removes. */
  set(key: Key, value: string, maxAgeS?: number): void;
  del(key: Key): void;
  /** Whether values reach the device (cookies, localStorage) or stay in memory. */
  persistent(): boolean;
  /** Starts persisting, writing through what memory holds so far. */
  persist(): void;
  /** Back to memory only, removing what was written to the device. */
  forget(): void;
}

/** Keys also kept in first-party cookies (written with a max age), so subdomains share them. */
const COOKIES = /^[vs]id$/;
/** Every key; `forget` removes them all. */
const KEYS = 'vid sid uid cart q consent orders'.split(' ') as Key[];

export function createStore(cookieDomain?: string): Store {
  const mem: Partial<Record<Key, [string, number?]>> = {};
  let on = false;
  // Reading document.cookie is slow (it asks the browser's cookie store), so the jar is read at
  // most once a second; our own writes invalidate it. Other tabs' changes show within a second.
  let jar = '';
  let jarAt = 0;
  const write = (key: Key, value: string, maxAgeS?: number) => {
    const name = `spoor_${key}`;
    // (Storage's named properties are its items.) Removed (''), or full: then the stale copy goes
    // too (memory keeps the value for this page).
    if (!attempt(() => (localStorage[name] = value))) attempt(() => delete localStorage[name]);
    if (maxAgeS != null) {
      jarAt = 0;
      attempt(
        () =>
          (document.cookie =
            // Only ids go here (UUIDs, digits and dots), so no encoding is needed.
            `${name}=${value}; Max-Age=${maxAgeS}; Path=/; SameSite=Lax` +
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
        ((COOKIES.test(key) &&
          attempt(() => (now() - jarAt < 1000 ? jar : ((jarAt = now()), (jar = document.cookie))).match(`(^|; )spoor_${key}=([^;]*)`)![2])) ||
          attempt(() => localStorage[`spoor_${key}`] as string | undefined))) ||
      mem[key]?.[0],
    set(key, value, maxAgeS) {
      mem[key] = [value, maxAgeS];
      if (on) write(key, value, maxAgeS);
    },
    // Memory keeps '' (read as absent); the device forgets the value, cookie included.
    del: (key) => store.set(key, '', 0),
    persistent: () => on,
    persist() {
      if (!on) for (const k in mem) write(k as Key, ...mem[k as Key]!);
      on = true;
    },
    forget() {
      on = true;
      for (const k of KEYS) store.del(k);
      on = false;
    },
  };
  return store;
}
