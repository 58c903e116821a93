// Which sites a `spoor collector` process accepts: the ClickHouse sites registry (`spoor sites
// add`), kept in memory and refreshed, plus the fixed ones of SPOOR_SITES; only SPOOR_SITES when
// there is no ClickHouse to read.
import { refreshingSites, siteFromRow, staticSites, type SiteRegistry } from '@spoor/collector';
import { listSites, type Warehouse } from '@spoor/warehouse';
import type { Logger } from '../logger.js';
import type { CollectorSettings } from '../process-config.js';

export interface CollectorSites {
  registry: SiteRegistry;
  stop(): void;
}

export async function collectorSites(s: CollectorSettings, wh: Warehouse | undefined, log: Logger): Promise<CollectorSites> {
  if (!wh) return { registry: staticSites(s.sites), stop: () => {} };
  const registry = refreshingSites({
    // Registry rows come last, so they override a SPOOR_SITES entry of the same id.
    load: async () => [...s.sites, ...(await listSites(wh)).map(siteFromRow)],
    onError: (err) => log.warn({ err: err.message }, 'site registry not refreshed; keeping the last list'),
  });
  await registry.start();
  return { registry, stop: () => registry.stop() };
}
