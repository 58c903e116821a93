// The registered site of a request, or the refusal: 503 while the registry has never loaded (the
// sender retries), 403 for a site nobody registered.
import type { CollectorDeps } from './app.js';
import { CollectorError } from './errors.js';
import type { SiteConfig } from './sites.js';

export async function lookupSite(deps: Pick<CollectorDeps, 'sites'>, site: string): Promise<SiteConfig> {
  if (deps.sites.ready?.() === false) {
    throw new CollectorError(503, 'sites_unavailable', 'the site registry is not loaded yet, retry later', { retryAfter: 5 });
  }
  const config = await deps.sites.lookup(site);
  if (!config) throw new CollectorError(403, 'unknown_site', `site ${site} is not registered`);
  return config;
}
