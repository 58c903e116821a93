// What the workspace's per-customer and per-segment views read, on a few thousand generated
// visitors: a customer's browsers are read by primary key (not every visitor of the site), the
// segments a customer is in equal the site-wide membership even though their customer rows are
// read by key and their predictions come from the profile's row, and a segment's page counts it
// once. Figures equal the slower full-site reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApp } from '@spoor/admin';
import { customerDevices, customerProfile, querySql } from '@spoor/reports';
import { compileSegment, loadCatalog, membershipStatement, segmentMembership, type SegmentEntry } from '@spoor/segments';
import { generateTraffic } from '@spoor/traffic';
import { migrate, openWarehouse, refreshComputedAhead, type Warehouse } from '@spoor/warehouse';
import { eventRows } from '@spoor/worker';
import { tempDir } from '@spoor/testkit/temp';

const SITE = 'shop';
const TOKEN = 'admin-token-for-tests-0123456789';
let wh: Warehouse;
const now = Date.now();
const entries: SegmentEntry[] = loadCatalog().list();

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('admin-reads') });
  await migrate(wh);
  const traffic = generateTraffic({ seed: 14, visitors: 2_500, now, site: SITE, resendBatchRate: 0, resendEventsRate: 0 });
  const rows = traffic.batches.flatMap((b) =>
    eventRows({
      v: 1,
      site: SITE,
      batch_id: b.body.batch_id,
      received_at: now,
      sent_at: now,
      ctx: { user_agent: b.userAgent, ip_hash: 'h', ip_prefix: '203.0.113.0', gpc: false, prefetch: false },
      events: b.body.events.map((e) => ({ ...e, client_ts: e.ts, flags: [] })),
      rejected: [],
    } as Parameters<typeof eventRows>[0]),
  );
  for (let i = 0; i < rows.length; i += 10_000) await wh.insert('events', rows.slice(i, i + 10_000), { async_insert: 0 });
  // One part per table, as merges leave them, so a key read is a few granules (256 rows each).
  for (const table of ['visitor_activity', 'identities']) await wh.command(`OPTIMIZE TABLE spoor.${table} FINAL`);
  // The RFM cuts as of this data, so no background refresh changes a score between two reads.
  await refreshComputedAhead(wh);
}, 180_000);

afterAll(async () => {
  await wh?.close();
});

/** Rows the engine read for one query (FORMAT JSON carries its statistics). */
async function rowsRead(sql: string, params: Record<string, unknown>): Promise<number> {
  return Number((JSON.parse(await wh.queryText(sql, 'JSON', params)) as { statistics: { rows_read: number } }).statistics.rows_read);
}

async function people(): Promise<{ multi: string[]; anonymous: string[] }> {
  const multi = await wh.query<{ customer_id: string }>(
    `SELECT customer_id FROM spoor.identity_map WHERE site_id = {site:String} GROUP BY customer_id HAVING count() > 1 ORDER BY count() DESC, customer_id LIMIT 4`,
    { site: SITE },
  );
  const anonymous = await wh.query<{ visitor_id: string }>(
    `SELECT visitor_id FROM spoor.visitor_profiles WHERE site_id = {site:String} AND user_id = '' AND is_bot = 0 ORDER BY cart_adds DESC, visitor_id LIMIT 2`,
    { site: SITE },
  );
  return { multi: multi.map((r) => r.customer_id), anonymous: anonymous.map((r) => r.visitor_id) };
}

describe('customer 360', () => {
  it('reads a customer’s browsers by key, and finds the same ones a full scan does', async () => {
    const { multi, anonymous } = await people();
    expect(multi.length).toBeGreaterThan(1);
    const [visitors] = await wh.query<{ n: number }>('SELECT count() AS n FROM spoor.visitor_activity');
    for (const customer of [...multi, ...anonymous]) {
      const full = await wh.query<{ visitor_id: string }>(
        `SELECT visitor_id FROM spoor.visitor_profiles WHERE site_id = {site:String}
           AND (user_id = {customer:String} OR (user_id = '' AND visitor_id = {customer:String})) ORDER BY last_seen DESC, visitor_id`,
        { site: SITE, customer },
      );
      const devices = await customerDevices(wh, SITE, customer);
      expect(devices.rows.map((d) => d.visitor_id)).toEqual(full.map((r) => r.visitor_id));
      expect(devices.rows.length).toBeGreaterThan(0);
      // identity_map's scan plus the few granules of the customer's browsers, not every visitor's states.
      const [identities] = await wh.query<{ n: number }>('SELECT count() AS n FROM spoor.identities');
      const read = await rowsRead(querySql('customerDevices', 'spoor'), { site: SITE, customer });
      expect(read).toBeLessThanOrEqual(Number(identities!.n) + 256 * (devices.rows.length + 1));
      expect(read).toBeLessThan(Number(identities!.n) + Number(visitors!.n));
    }
  });

  it('shows the profile of customer_profiles and customer_predictions, read for the one customer', async () => {
    const { multi } = await people();
    for (const customer of multi) {
      const profile = await customerProfile(wh, SITE, customer);
      const [row] = await wh.query<{ orders: number; revenue: number; r_score: number; lifecycle: string }>(
        'SELECT orders, round(revenue, 2) AS revenue, r_score, lifecycle FROM spoor.customer_profiles WHERE site_id = {site:String} AND customer_id = {customer:String}',
        { site: SITE, customer },
      );
      if (row) expect([profile.orders, profile.revenue, profile.r_score, profile.lifecycle]).toEqual([row.orders, row.revenue, row.r_score, row.lifecycle]);
      else expect(Number(profile.has_orders)).toBe(0);
    }
  });

  it('lists the segments a person is in exactly as the site-wide membership does', async () => {
    const { multi, anonymous } = await people();
    const compiled = entries.map((e, i) => compileSegment(e.definition, { now, prefix: `s${i}` }));
    // The site-wide membership, per group of segments that include the same people.
    const members = new Map<string, Set<string>>();
    const groups = new Map<string, number[]>();
    compiled.forEach((c, i) =>
      groups.set(`${c.include.bots}/${c.include.cookieless}`, [...(groups.get(`${c.include.bots}/${c.include.cookieless}`) ?? []), i]),
    );
    for (const idx of groups.values()) {
      const stmt = membershipStatement(
        idx.map((i) => compiled[i]!),
        { database: 'spoor', site: SITE },
      );
      for (const row of await wh.query<Record<string, unknown>>(stmt.sql, stmt.binds)) {
        idx.forEach((segment, j) => {
          if (Number(row[`m${j}`]) !== 1) return;
          const name = entries[segment]!.definition.name;
          members.set(name, (members.get(name) ?? new Set()).add(String(row.person)));
        });
      }
    }
    let seen = 0;
    let predicted = 0;
    // Besides the multi-browser and anonymous people: a few members of each segment of predictions.
    const predicting = compiled.filter((c) => c.needs.predictions).map((c) => c.definition.name);
    expect(predicting.length).toBeGreaterThan(0);
    const chosen = new Set([...multi.map((c) => `c:${c}`), ...anonymous.map((v) => `v:${v}`)]);
    for (const name of predicting)
      [...(members.get(name) ?? [])]
        .sort()
        .slice(0, 2)
        .forEach((m) => chosen.add(m));
    for (const person of chosen) {
      const customer = person.slice(2);
      const visitors = (await customerDevices(wh, SITE, customer)).rows.map((d) => d.visitor_id);
      const expected = entries.map((e) => e.definition.name).filter((n) => members.get(n)?.has(person));
      expect(await segmentMembership(wh, entries, { site: SITE, visitors, now })).toEqual(expected);
      // As the 360 counts them: with the prediction row its profile read.
      const profile = await customerProfile(wh, SITE, customer);
      const predictions = { customer, row: Number(profile.has_prediction) === 1 ? profile.prediction_fields : null };
      expect(await segmentMembership(wh, entries, { site: SITE, visitors, now, predictions })).toEqual(expected);
      seen += expected.length;
      predicted += Number(profile.has_prediction);
    }
    expect(seen).toBeGreaterThan(0);
    expect(predicted).toBeGreaterThan(0);
  });
});

describe('segment page', () => {
  it('counts a segment once when it shows its detail with default parameters', async () => {
    const counts: string[] = [];
    const recording: Warehouse = {
      ...wh,
      query: (sql, params) => {
        if (/^\s*SELECT\s+countIf\(/.test(sql)) counts.push(sql);
        return wh.query(sql, params);
      },
    };
    const { app } = createAdminApp({ warehouse: recording, token: TOKEN, segments: () => loadCatalog(), now: () => now });
    const signIn = await app.request('/admin/session', { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = async (path: string) => {
      counts.length = 0;
      const res = await app.request(path, { headers: { cookie } });
      expect(res.status).toBe(200);
      return { html: await res.text(), counts: counts.length };
    };
    const list = await page(`/admin/segments?site=${SITE}`);
    const detail = await page(`/admin/segments?site=${SITE}&segment=cart_abandoners`);
    expect(detail.counts).toBe(list.counts);
    // Another parameter value is a different segment: counted on its own.
    const other = await page(`/admin/segments?site=${SITE}&segment=cart_abandoners&window=2h`);
    expect(other.counts).toBe(list.counts + 1);
    const [size] = await wh.query<{ n0: number }>(...sizeOf('cart_abandoners'));
    expect(detail.html).toContain(`<strong data-preview-size>${Number(size!.n0).toLocaleString('en-US')}</strong>`);
  });
});

function sizeOf(name: string): [string, Record<string, unknown>] {
  const compiled = compileSegment(loadCatalog().get(name).definition, { now });
  const stmt = membershipStatement([compiled], { database: 'spoor', site: SITE });
  return [`SELECT count() AS n0 FROM (${stmt.sql})`, stmt.binds];
}
