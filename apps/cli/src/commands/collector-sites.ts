// Which sites a `spoor collector` process accepts. For now the fixed list of SPOOR_SITES; this is
// the one place to switch to the shared sites registry (`spoor sites add`) once it exists.
import type { Redis } from 'ioredis';
import { staticSites, type SiteRegistry } from '@spoor/collector';
import type { CollectorSettings } from '../process-config.js';

export function collectorSites(s: CollectorSettings, _redis: Redis): SiteRegistry {
  return staticSites(s.sites);
}
