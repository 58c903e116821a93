// Which people an insert touched, per site: what the collectors' kept /v1/me states are told, so
// that those of the visitors and users in the rows are read again (personalization's me-store).
import type { EventRow } from './rows.js';

export interface Touched {
  site: string;
  visitors: string[];
  users: string[];
}

export function touchedBy(rows: readonly EventRow[]): Touched[] {
  const sites = new Map<string, { visitors: Set<string>; users: Set<string> }>();
  for (const r of rows) {
    const site = String(r.site_id);
    let s = sites.get(site);
    if (!s) sites.set(site, (s = { visitors: new Set(), users: new Set() }));
    if (r.visitor_id) s.visitors.add(String(r.visitor_id));
    if (r.user_id) s.users.add(String(r.user_id));
  }
  return [...sites].map(([site, s]) => ({ site, visitors: [...s.visitors], users: [...s.users] }));
}
