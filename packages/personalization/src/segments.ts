// Which segments a person is in. A segment is a rule over the whole site's person rows (RFM scores
// rank every customer), so membership is not computed per lookup: each site's members of every
// segment are taken in one pass per group of segments that include the same people (as
// `segments list` counts them), kept in memory by person, and refreshed in the background once
// older than the time to live. The rules stay the segments package's: definitions compiled by it
// over its person rows.
import { compileSegment, peopleSql, type CompiledSegment, type SegmentCatalog } from '@spoor/segments';
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
    const people = peopleSql(
      {
        transactions: group.some((s) => s.needs.transactions),
        traits: group.some((s) => s.needs.traits),
        events: group.flatMap((s) => s.events),
      },
      { database: db.database, include: group[0]!.include, site },
    );
    const flags = group.map((s, i) => `(${s.where}) AS m${i}`).join(',\n  ');
    const rows = await db.query<Record<string, string | number>>(
      `SELECT person,\n  ${flags}\nFROM (${people.sql}\n)\nWHERE ${group.map((_, i) => `m${i}`).join(' OR ')}`,
      Object.assign({}, people.binds, ...group.map((s) => s.binds)),
    );
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
