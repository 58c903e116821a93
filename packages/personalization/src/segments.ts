// Which segments a person is in. A segment is a rule over the whole site's person rows (RFM scores
// rank every customer), so membership is not computed per lookup: each site's members of every
// segment are taken in one pass per group of segments that include the same people (as
// `segments list` counts them), kept in memory by person, and refreshed in the background once
// older than the time to live. The rules stay the segments package's: its definitions and its
// membership statement over its person rows.
import { compileSegment, membershipStatement, type CompiledSegment, type SegmentCatalog } from '@spoor/segments';
import type { WarehouseReader } from '@spoor/warehouse';

/** Person key as the segments package writes it: `c:<customer id>` or `v:<visitor id>` (anonymous). */
export function personKey(userId: string, visitorId: string): string {
  return userId ? `c:${userId}` : `v:${visitorId}`;
}

export type Membership = Map<string, string[]>;

export async function loadMembership(db: WarehouseReader, catalog: SegmentCatalog, site: string, now = Date.now()): Promise<Membership> {
  const compiled = catalog.list().map((e, i) => compileSegment(e.definition, { now, prefix: `s${i}` }));
  const groups = new Map<string, CompiledSegment[]>();
  for (const c of compiled) {
    const key = `${c.include.bots}/${c.include.cookieless}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const members: Membership = new Map();
  for (const group of groups.values()) {
    const stmt = membershipStatement(group, { database: db.database, site });
    const rows = await db.query<Record<string, string | number>>(stmt.sql, stmt.binds);
    for (const row of rows) {
      const person = String(row.person);
      const names = members.get(person) ?? [];
      group.forEach((s, i) => {
        if (Number(row[`m${i}`]) === 1) names.push(s.definition.name);
      });
      members.set(person, names);
    }
  }
  return members;
}
