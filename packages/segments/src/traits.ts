// Which identify() traits an export carries: those the definition lists, else the keys the site's
// customers have (email first, then the most common), so a site that sends none exports none.
import type { Warehouse } from '@spoor/warehouse';
import type { SegmentDefinition } from './definition.js';

/** More trait columns than this is noise in a marketer's spreadsheet. */
const MAX_TRAITS = 20;

export async function traitKeys(wh: Warehouse, definition: SegmentDefinition, site?: string): Promise<string[]> {
  if (definition.traits) return definition.traits;
  const scope = site ?? definition.site;
  const rows = await wh.query<{ key: string }>(
    `SELECT key FROM
     (
       SELECT arrayJoin(mapKeys(argMaxMerge(traits))) AS key
       FROM ${wh.database}.customer_traits
       ${scope !== undefined ? 'WHERE site_id = {site:String}' : ''}
       GROUP BY site_id, user_id
     )
     WHERE key != '' AND length(key) <= 100
     GROUP BY key
     ORDER BY key = 'email' DESC, count() DESC, key
     LIMIT {n:UInt32}`,
    { site: scope ?? '', n: MAX_TRAITS },
  );
  return rows.map((r) => r.key);
}
