// The sites the page offers in its selectors: those in the registry and those with traffic.
import { listSites, type Warehouse } from '@spoor/warehouse';

export async function knownSites(wh: Warehouse): Promise<string[]> {
  const [registered, seen] = await Promise.all([
    listSites(wh).catch(() => []),
    wh.query<{ site_id: string }>(`SELECT DISTINCT site_id FROM ${wh.database}.stats_by_day`),
  ]);
  return [...new Set([...registered.map((s) => s.site_id), ...seen.map((s) => s.site_id)])].sort();
}
