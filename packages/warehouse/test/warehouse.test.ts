import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertDedupSettings,
  openReader,
  changeSite,
  checkDedupSettings,
  dedupInsertSettings,
  emptySite,
  listSites,
  migrate,
  putSite,
  removeSite,
  openWarehouse,
  parseSqlParams,
  renderMigration,
  runSqlText,
  splitStatements,
  type Warehouse,
} from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

let wh: Warehouse;

beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('warehouse') });
});
afterAll(async () => {
  await wh?.close();
});

describe('migrate', () => {
  it('applies every migration once and is idempotent', async () => {
    const first = await migrate(wh);
    expect(first.applied.map((m) => m.name)).toContain('events');
    const second = await migrate(wh);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toBe(first.applied.length);
    const tables = await wh.query<{ name: string; comment: string }>(
      "SELECT name, comment FROM system.tables WHERE database = 'spoor' AND name IN ('events', 'rejected_events')",
    );
    expect(tables).toHaveLength(2);
    for (const t of tables) expect(t.comment).not.toBe('');
    // 0070: events' text, time and number columns are ZSTD(1), their comments kept; the random
    // event_id and the LowCardinality columns keep the default.
    const columns = await wh.query<{ name: string; codec: string; comment: string }>(
      "SELECT name, compression_codec AS codec, comment FROM system.columns WHERE database = 'spoor' AND table = 'events' AND name IN ('url', 'ts', 'items.price', 'event_id', 'type')",
    );
    expect(Object.fromEntries(columns.map((c) => [c.name, c.codec]))).toEqual({
      event_id: '',
      type: '',
      ts: 'CODEC(ZSTD(1))',
      url: 'CODEC(ZSTD(1))',
      'items.price': 'CODEC(ZSTD(1))',
    });
    expect(columns.find((c) => c.name === 'ts')!.comment).toBe('When it happened, device clock corrected by the collector');
  });

  it('renders the template without a cluster by filling it in, and nothing else', () => {
    const sql = 'CREATE TABLE IF NOT EXISTS {{db}}.t {{on_cluster}} (a UInt8) ENGINE = ReplacingMergeTree ORDER BY a';
    expect(renderMigration(sql, { database: 'spoor' })).toBe('CREATE TABLE IF NOT EXISTS spoor.t  (a UInt8) ENGINE = ReplacingMergeTree ORDER BY a');
  });

  it('splits statements at semicolons that end a line, ignoring comment lines', () => {
    expect(splitStatements('-- a; comment\nSELECT 1;\nSELECT 2 ;\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });
});

describe('exactly-once settings check', () => {
  it('passes on the migrated database and names a table with a weaker dedup window', async () => {
    await migrate(wh);
    expect(await checkDedupSettings(wh)).toEqual([]);
    await wh.command('CREATE TABLE spoor.careless (a UInt8) ENGINE = MergeTree ORDER BY a');
    try {
      await expect(assertDedupSettings(wh)).rejects.toMatchObject({
        code: 'unsafe_settings',
        message: expect.stringContaining('spoor.careless non_replicated_deduplication_window = 0'),
      });
    } finally {
      await wh.command('DROP TABLE spoor.careless');
    }
  });
});

describe('insert', () => {
  it('serialises a large insert in turns, so the event loop runs in between, and stores every row', async () => {
    let turned = false;
    let serialisedAfterTurn = 0;
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      toJSON() {
        if (turned) serialisedAfterTurn++;
        return { event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, site_id: 'turns', type: 'pageview', ts: Date.now(), visitor_id: 'v' };
      },
    }));
    setImmediate(() => (turned = true));
    await wh.insert('events', rows, dedupInsertSettings('turns'));
    expect(serialisedAfterTurn).toBeGreaterThan(0);
    const [{ n }] = (await wh.query<{ n: number }>("SELECT count() AS n FROM spoor.events WHERE site_id = 'turns'")) as [{ n: number }];
    expect(Number(n)).toBe(20_000);
  });

  it('deduplicates a retried insert with the same token, and only that one', async () => {
    const row = (id: string) => ({ event_id: id, site_id: 'dedup', type: 'pageview', ts: Date.now(), visitor_id: 'v' });
    const rows = [row('00000000-0000-4000-8000-000000000001'), row('00000000-0000-4000-8000-000000000002')];
    await wh.insert('events', rows, dedupInsertSettings('tok-a'));
    await wh.insert('events', rows, dedupInsertSettings('tok-a'));
    await wh.insert('events', [row('00000000-0000-4000-8000-000000000003')], dedupInsertSettings('tok-b'));
    const [r] = await wh.query<{ n: number }>("SELECT count() AS n FROM spoor.events WHERE site_id = 'dedup'");
    expect(r!.n).toBe(3);
  });

  it('binds query parameters instead of splicing them into SQL', async () => {
    const evil = "x'); DROP TABLE spoor.events; --";
    const [r] = await wh.query<{ s: string }>('SELECT {s:String} AS s', { s: evil });
    expect(r!.s).toBe(evil);
    expect((await wh.query("SELECT 1 FROM system.tables WHERE database = 'spoor' AND name = 'events'")).length).toBe(1);
  });

  it('renders results in the formats spoor sql offers', async () => {
    expect(await runSqlText(wh, 'SELECT 1 AS one', 'csv')).toBe('"one"\n1\n');
    expect(await runSqlText(wh, 'SELECT 1 AS one', 'table')).toContain('one');
  });

  it('binds spoor sql --param values to {name:Type} placeholders, as values and never as SQL', async () => {
    const params = parseSqlParams(["site=x' OR 1=1 --", 'from=2025-01-31', 'n=3']);
    expect(params).toEqual({ site: "x' OR 1=1 --", from: '2025-01-31', n: '3' });
    const out = await runSqlText(wh, 'SELECT {site:String} AS site, {from:Date} + 1 AS next, {n:UInt8} * 2 AS twice', 'tsv', params);
    expect(out).toBe("site\tnext\ttwice\nx\\' OR 1=1 --\t2025-02-01\t6\n");
    await expect(runSqlText(wh, 'SELECT {n:UInt8} AS n', 'csv', { n: 'many' })).rejects.toThrow();
    expect(() => parseSqlParams(['site'])).toThrow(/name=value/);
    expect(() => parseSqlParams(['1x=2'])).toThrow(/name=value/);
  });
});

describe('sites', () => {
  it('keeps the latest version of each site, hides removed ones and stores values verbatim', async () => {
    await migrate(wh);
    await putSite(wh, { site_id: 'shop-a', origins: ['https://a.example'], cookie_domain: '' });
    await putSite(wh, { site_id: 'shop-b', origins: ["https://it's.example", 'back\\slash'], cookie_domain: 'example.com' });
    await putSite(wh, { site_id: 'shop-a', origins: ['https://a.example', 'https://www.a.example'], cookie_domain: '' });
    await putSite(wh, { site_id: 'gone', origins: ['*'], cookie_domain: '' });
    await removeSite(wh, 'gone');
    const sites = await listSites(wh);
    expect(sites.map(({ updated_at: _, ...s }) => s)).toEqual([
      { ...emptySite('shop-a'), origins: ['https://a.example', 'https://www.a.example'] },
      { ...emptySite('shop-b'), origins: ["https://it's.example", 'back\\slash'], cookie_domain: 'example.com' },
    ]);
    // Written again exactly as before, the site is back: a registry write is never taken for a retry.
    await putSite(wh, { site_id: 'gone', origins: ['*'], cookie_domain: '' });
    expect((await listSites(wh)).map((s) => s.site_id)).toEqual(['gone', 'shop-a', 'shop-b']);
    expect(sites[0]!.updated_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('changes one part of a site and keeps every other field of the latest version', async () => {
    await migrate(wh);
    await changeSite(wh, 'shop-c', () => ({
      ...emptySite('shop-c'),
      origins: ['https://c.example'],
      expose_traits: ['first_name', "o'brien"],
      expose_segments: ['champions'],
      repurchase_products: ['coffee'],
      key_hash: 'ab'.repeat(32),
      key_created_at: '2026-01-02 03:04:05.678',
      hook_secrets: { shopify: 'v1.a.b.c', stripe: 'v1.d.e.f' },
      store_emails: true,
    }));
    const { before, after } = await changeSite(wh, 'shop-c', (s) => ({ ...s!, origins: [...s!.origins, 'https://www.c.example'] }));
    expect(before?.key_hash).toBe('ab'.repeat(32));
    const [row] = (await listSites(wh)).filter((s) => s.site_id === 'shop-c');
    const { updated_at: _, ...stored } = row!;
    expect(stored).toEqual(after);
    expect(stored).toEqual({
      site_id: 'shop-c',
      origins: ['https://c.example', 'https://www.c.example'],
      cookie_domain: '',
      expose_traits: ['first_name', "o'brien"],
      expose_segments: ['champions'],
      repurchase_products: ['coffee'],
      key_hash: 'ab'.repeat(32),
      key_created_at: '2026-01-02 03:04:05.678',
      hook_secrets: { shopify: 'v1.a.b.c', stripe: 'v1.d.e.f' },
      store_emails: true,
    });
    // Removed and added again, the site starts empty: its old key and secrets do not come back.
    await removeSite(wh, 'shop-c');
    const { before: gone } = await changeSite(wh, 'shop-c', () => ({ ...emptySite('shop-c'), origins: ['*'] }));
    expect(gone).toBeUndefined();
    expect((await listSites(wh)).find((s) => s.site_id === 'shop-c')).toMatchObject({ key_hash: '', key_created_at: null, hook_secrets: {} });
  });
});

describe('openReader', () => {
  it('reads what the main connection wrote, with bound parameters, and can never write', async () => {
    await migrate(wh);
    await wh.command('CREATE TABLE IF NOT EXISTS spoor.reader_probe (k String, n UInt64) ENGINE = MergeTree ORDER BY k');
    await wh.insert(
      'reader_probe',
      [
        { k: 'a', n: 1 },
        { k: 'b', n: 2 },
      ],
      { async_insert: 0 },
    );
    const reader = await openReader(wh, { connections: 2 });
    try {
      const rows = await Promise.all([1, 2, 3].map(() => reader.query<{ n: number }>('SELECT n FROM spoor.reader_probe WHERE k = {k:String}', { k: 'b' })));
      expect(rows).toEqual([[{ n: 2 }], [{ n: 2 }], [{ n: 2 }]]);
      expect(await reader.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await expect(reader.query("INSERT INTO spoor.reader_probe VALUES ('c', 3)")).rejects.toThrow(/readonly/i);
      await expect(reader.query('SELECT 1 SETTINGS max_threads = 1')).rejects.toThrow(/readonly/i);
    } finally {
      await reader.close();
    }
    expect(await wh.query<{ n: number }>('SELECT count() AS n FROM spoor.reader_probe')).toEqual([{ n: 2 }]);
    await expect(reader.query('SELECT 1')).rejects.toThrow(/closed/);
  });
});
