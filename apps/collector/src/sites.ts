// Which sites may send, and from which origins.

export interface SiteConfig {
  site: string;
  /** Allowed page origins such as `https://shop.example.com`; empty allows any origin. */
  origins: string[];
}

export interface SiteRegistry {
  lookup(site: string): Promise<SiteConfig | undefined> | SiteConfig | undefined;
}

/** A fixed list, for `spoor up`'s demo site and for tests. */
export function staticSites(sites: SiteConfig[]): SiteRegistry {
  const map = new Map(sites.map((s) => [s.site, { ...s, origins: s.origins.map(normalizeOrigin) }]));
  return { lookup: (site) => map.get(site) };
}

export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

/** A request without an Origin header comes from a server-side sender and is not origin-checked. */
export function originAllowed(site: SiteConfig, origin: string | undefined): boolean {
  if (!origin || site.origins.length === 0) return true;
  return site.origins.includes(normalizeOrigin(origin));
}
