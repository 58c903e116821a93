// Which sites may send, from which origins: a fixed list, or a registry loaded from a store
// (ClickHouse `sites`) and kept in memory, so the request path never waits on the store.
import { isHookPlatform, type HookPlatform } from '@spoor/events';
import { hookSecretContext, openSecret, siteKeyHashMatches } from '@spoor/secrets';
import { CollectorError } from './errors.js';

export interface SiteConfig {
  site: string;
  /** Allowed page origins such as `https://shop.example.com`; empty (or `*`) allows any origin. */
  origins: string[];
  /** Domain attribute of the `spoor_id` cookie, e.g. `example.com`; absent for host-only. */
  cookieDomain?: string | undefined;
  /** Traits a page may read about its own visitor (`/v1/me`); empty exposes none. */
  exposeTraits: string[];
  /** Segment names a page may see its own visitor in; empty exposes none. */
  exposeSegments: string[];
  /** Product ids of consumables, which may be recommended again to people who bought them. */
  repurchaseProducts: string[];
  /** Hex SHA-256 of the site's secret key; absent when it has none. Check a bearer with `siteKeyMatches`. */
  keyHash?: string | undefined;
  /** Orders keep the buyer's e-mail in clear; by default only its keyed hash. */
  storeEmails: boolean;
  /** Webhook secrets by platform, sealed with SPOOR_SECRET_KEY; open one with `hookSecret`. */
  hookSecrets: Partial<Record<HookPlatform, string>>;
}

/** A site as configured (SPOOR_SITES, a registry row, a test): what is left out is empty. */
export type SiteSpec = Pick<SiteConfig, 'site' | 'origins'> & Partial<SiteConfig>;

export function siteConfig(spec: SiteSpec): SiteConfig {
  return {
    exposeTraits: [],
    exposeSegments: [],
    repurchaseProducts: [],
    storeEmails: false,
    hookSecrets: {},
    ...spec,
    origins: spec.origins.map(normalizeOrigin),
  };
}

/**
 * Whether an `Authorization: Bearer <key>` header carries the site's secret key: the one check of
 * site keys (constant time, on hashes). False for a site without a key, so a caller answers 401
 * the same way whether the site, the key or the header is wrong.
 */
export function siteKeyMatches(site: SiteConfig, authorizationHeader: string | undefined): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorizationHeader ?? '');
  return !!m && !!site.keyHash && siteKeyHashMatches(site.keyHash, m[1]!);
}

export type HookSecret =
  | { status: 'ok'; secret: string }
  | { status: 'none' }
  /** The site has a secret, but this process cannot open it; `reason` names why (never the secret). */
  | { status: 'unavailable'; reason: string };

/** The site's webhook secret for a platform, opened with the process's SPOOR_SECRET_KEY. */
export function hookSecret(site: SiteConfig, platform: HookPlatform, secretKey: string | undefined): HookSecret {
  const sealed = site.hookSecrets[platform];
  if (!sealed) return { status: 'none' };
  if (!secretKey) return { status: 'unavailable', reason: 'SPOOR_SECRET_KEY is not set in this process' };
  try {
    return { status: 'ok', secret: openSecret(secretKey, sealed, hookSecretContext(site.site, platform)) };
  } catch {
    return { status: 'unavailable', reason: 'the secret does not open with this SPOOR_SECRET_KEY (sealed under another key?)' };
  }
}

export interface SiteRegistry {
  lookup(site: string): Promise<SiteConfig | undefined> | SiteConfig | undefined;
  /**
   * Whether some site accepts this origin: the CORS preflight carries no body, so it can only be
   * answered per origin. Registries without it answer preflights for no origin.
   */
  originKnown?(origin: string): Promise<boolean> | boolean;
  /** False until the registry holds a list; `/readyz` reports it. */
  ready?(): boolean;
}

/** The columns of a `sites` row (`listSites` in @spoor/warehouse) that the collector uses. */
/**
 * The registered site of a request, or the refusal: 503 while the registry has never loaded (the
 * sender retries), 403 for a site nobody registered.
 */
export async function lookupSite(deps: { sites: SiteRegistry }, site: string): Promise<SiteConfig> {
  if (deps.sites.ready?.() === false) {
    throw new CollectorError(503, 'sites_unavailable', 'the site registry is not loaded yet, retry later', { retryAfter: 5 });
  }
  const config = await deps.sites.lookup(site);
  if (!config) throw new CollectorError(403, 'unknown_site', `site ${site} is not registered`);
  return config;
}

export interface SiteRowInput {
  site_id: string;
  origins: string[];
  cookie_domain: string;
  expose_traits?: string[];
  expose_segments?: string[];
  repurchase_products?: string[];
  key_hash?: string;
  hook_secrets?: Record<string, string>;
  store_emails?: boolean;
}

/** A row of the ClickHouse `sites` table as the collector uses it. */
export function siteFromRow(row: SiteRowInput): SiteSpec {
  const hooks: Partial<Record<HookPlatform, string>> = {};
  for (const [platform, sealed] of Object.entries(row.hook_secrets ?? {})) {
    if (isHookPlatform(platform) && sealed) hooks[platform] = sealed;
  }
  return {
    site: row.site_id,
    origins: row.origins,
    cookieDomain: row.cookie_domain || undefined,
    exposeTraits: row.expose_traits ?? [],
    exposeSegments: row.expose_segments ?? [],
    repurchaseProducts: row.repurchase_products ?? [],
    keyHash: row.key_hash || undefined,
    storeEmails: row.store_emails ?? false,
    hookSecrets: hooks,
  };
}

/** A fixed list, for `spoor up`'s demo site and for tests. */
export function staticSites(sites: SiteSpec[]): SiteRegistry {
  const index = indexSites(sites);
  return { lookup: (site) => index.sites.get(site), originKnown: (origin) => index.knows(origin) };
}

export function normalizeOrigin(origin: string): string {
  if (origin === '*') return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

function anyOrigin(site: Pick<SiteConfig, 'origins'>): boolean {
  return site.origins.length === 0 || site.origins.includes('*');
}

/** A request without an Origin header comes from a server-side sender and is not origin-checked. */
export function originAllowed(site: Pick<SiteConfig, 'origins'>, origin: string | undefined): boolean {
  if (!origin || anyOrigin(site)) return true;
  return site.origins.includes(normalizeOrigin(origin));
}

interface SiteIndex {
  sites: Map<string, SiteConfig>;
  knows(origin: string): boolean;
}

/** Later entries win, so a store's row overrides a built-in site of the same id. */
function indexSites(list: SiteSpec[]): SiteIndex {
  const sites = new Map<string, SiteConfig>();
  for (const s of list) sites.set(s.site, siteConfig(s));
  const origins = new Set<string>();
  let any = false;
  for (const s of sites.values()) {
    if (anyOrigin(s)) any = true;
    for (const o of s.origins) origins.add(o);
  }
  return { sites, knows: (origin) => any || origins.has(normalizeOrigin(origin)) };
}

export interface RefreshingSitesOptions {
  /** Reads the whole list (it is small: one row per site). */
  load: () => Promise<SiteSpec[]>;
  /** Reload this often. @defaultValue 10000 */
  refreshMs?: number;
  /**
   * A site or origin that is not in the list triggers a reload, at most this often, so a site
   * added a moment ago is accepted at once while a flood of unknown ids costs one load per period.
   * @defaultValue 1000
   */
  missRefreshMs?: number;
  /** How long `start()` keeps retrying the first load. @defaultValue 30000 */
  startTimeoutMs?: number;
  /** A failed reload; the last list stays in use. */
  onError?: (err: Error) => void;
}

export interface RefreshingSites extends SiteRegistry {
  /** Loads the list, retrying until `startTimeoutMs`, then reloads it every `refreshMs`. */
  start(): Promise<void>;
  stop(): void;
  ready(): boolean;
  originKnown(origin: string): Promise<boolean>;
  /** Loads now; resolves false (keeping the last list) when the load failed. */
  refresh(): Promise<boolean>;
}

export function refreshingSites(opts: RefreshingSitesOptions): RefreshingSites {
  const refreshMs = opts.refreshMs ?? 10_000;
  const missRefreshMs = opts.missRefreshMs ?? 1_000;
  let index: SiteIndex | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<boolean> | undefined;
  let lastAttempt = 0;

  let nextLoad: { promise: Promise<void>; resolve: () => void } | undefined;
  let missTimer: NodeJS.Timeout | undefined;

  function refresh(): Promise<boolean> {
    inFlight ??= (async () => {
      lastAttempt = Date.now();
      const waiting = nextLoad;
      nextLoad = undefined;
      try {
        index = indexSites(await opts.load());
        return true;
      } catch (err) {
        opts.onError?.(err as Error);
        return false;
      } finally {
        inFlight = undefined;
        waiting?.resolve();
      }
    })();
    return inFlight;
  }

  /**
   * A miss may be a site added since the last load, so it waits for the next load to end: one that
   * starts at once, or, when the last one is younger than `missRefreshMs`, at the end of that period
   * (or the periodic one, if sooner). A site added a moment after a refused request is accepted, and
   * a flood of unknown ids shares one load per period.
   */
  async function afterMiss<T>(answer: () => T, missed: (v: T) => boolean): Promise<T> {
    const first = answer();
    if (!missed(first)) return first;
    if (inFlight) await inFlight;
    else await loadAfterMissPeriod();
    return answer();
  }

  function loadAfterMissPeriod(): Promise<void> {
    if (!nextLoad) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      nextLoad = { promise, resolve };
    }
    const { promise } = nextLoad;
    const wait = lastAttempt + missRefreshMs - Date.now();
    if (wait <= 0) void refresh();
    else {
      missTimer ??= setTimeout(() => {
        missTimer = undefined;
        void refresh();
      }, wait);
    }
    return promise;
  }

  return {
    async start() {
      const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
      for (let delay = 200; !(await refresh()); delay = Math.min(delay * 2, 5_000)) {
        if (Date.now() + delay > deadline) throw new Error('the site registry could not be loaded');
        await new Promise((r) => setTimeout(r, delay));
      }
      timer = setInterval(() => void refresh(), refreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      clearTimeout(missTimer);
      timer = missTimer = undefined;
      nextLoad?.resolve();
    },
    ready: () => index !== undefined,
    refresh,
    lookup: (site) =>
      afterMiss(
        () => index?.sites.get(site),
        (v) => v === undefined,
      ),
    originKnown: (origin) =>
      afterMiss(
        () => index?.knows(origin) ?? false,
        (v) => !v,
      ),
  };
}
