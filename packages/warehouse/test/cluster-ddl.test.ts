// Scale-out DDL (SPOOR_CLICKHOUSE_CLUSTER): the rendered statements for the migrations in the
// repository and for each shape the analysis model uses, checked as text and parsed by the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, openWarehouse, renderMigration, splitStatements, type Warehouse } from '../src/index.js';
import { tempDir } from '@spoor/testkit/temp';

const cluster = { database: 'spoor', cluster: 'spoor_cluster' };
const REPLICA = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

let wh: Warehouse;
beforeAll(async () => {
  wh = await openWarehouse({ dataDir: tempDir('cluster-ddl') });
});
afterAll(async () => {
  await wh?.close();
});

/** The engine's parser accepts the statement (ON CLUSTER, Replicated engines and Distributed included). */
async function parses(statement: string) {
  const [row] = await wh.query<{ ok: number }>('SELECT length(formatQuery({q:String})) > 0 AS ok', { q: statement });
  expect(row!.ok).toBe(1);
}

describe('cluster rendering of the repository migrations', () => {
  const migrations = loadMigrations();

  it('leaves the non-cluster rendering exactly as the template filled in', () => {
    for (const m of migrations) {
      expect(renderMigration(m.sql, { database: 'spoor' })).toBe(m.sql.replaceAll('{{db}}', 'spoor').replaceAll('{{on_cluster}}', ''));
    }
  });

  it('splits events into a replicated local table and a Distributed table sharded by visitor', async () => {
    const sql = migrations.find((m) => m.name === 'events')!.sql;
    const [local, dist, ...rest] = splitStatements(renderMigration(sql, cluster));
    expect(rest).toEqual([]);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS spoor\.events_local ON CLUSTER `spoor_cluster`\n\(/);
    expect(local).toContain(
      `ENGINE = ReplicatedReplacingMergeTree(${REPLICA})\nPARTITION BY toYYYYMM(ts)\nORDER BY (site_id, toDate(ts), visitor_id, event_id)`,
    );
    expect(local).toContain("COMMENT 'One row per accepted event.");
    expect(dist).toBe(
      'CREATE TABLE IF NOT EXISTS spoor.events ON CLUSTER `spoor_cluster` AS spoor.events_local\n' +
        "ENGINE = Distributed('spoor_cluster', 'spoor', 'events_local', cityHash64(visitor_id))\n" +
        "COMMENT 'One row per accepted event. Count with FINAL or uniqExact(event_id): a late resend may sit beside the original until a merge.'",
    );
    for (const s of [local!, dist!]) await parses(s);
  });

  it('shards a table without visitor_id at random', async () => {
    const sql = migrations.find((m) => m.name === 'rejected_events')!.sql;
    const [local, dist] = splitStatements(renderMigration(sql, cluster));
    expect(local).toContain(`ENGINE = ReplicatedMergeTree(${REPLICA})`);
    expect(local).toContain('TTL toDateTime(received_at) + INTERVAL 90 DAY');
    expect(dist).toContain("ENGINE = Distributed('spoor_cluster', 'spoor', 'rejected_events_local', rand())");
    await parses(dist!);
  });

  it('splits the refunds per order by visitor and has their view read the local events', () => {
    // As migrate() renders it: knowing every table the migrations create, events included.
    const split = new Set(['events', 'order_refunds']);
    const [local, dist, mv, backfill] = splitStatements(renderMigration(migrations.find((m) => m.name === 'order_refunds')!.sql, { ...cluster, split }));
    expect(local).toContain(`spoor.order_refunds_local ON CLUSTER \`spoor_cluster\``);
    expect(local).toContain(`ENGINE = ReplicatedAggregatingMergeTree(${REPLICA})`);
    expect(dist).toContain("ENGINE = Distributed('spoor_cluster', 'spoor', 'order_refunds_local', cityHash64(visitor_id))");
    expect(mv).toContain('TO spoor.order_refunds_local AS');
    expect(mv).toContain('FROM spoor.events_local');
    // The one-off backfill goes through the Distributed tables.
    expect(backfill).toMatch(/^INSERT INTO spoor\.order_refunds\n/);
    expect(backfill).toContain('FROM spoor.events\n');
    const [fits] = splitStatements(renderMigration(migrations.find((m) => m.name === 'prediction_fits')!.sql, cluster));
    expect(fits).toContain(`ENGINE = ReplicatedMergeTree(${REPLICA})`);
  });

  it('changes the codecs of events on its local part and its Distributed table alike', async () => {
    const split = new Set(['events']);
    const [local, dist, ...rest] = splitStatements(renderMigration(migrations.find((m) => m.name === 'events_zstd')!.sql, { ...cluster, split }));
    expect(rest).toEqual([]);
    expect(local).toMatch(/^ALTER TABLE spoor\.events_local ON CLUSTER `spoor_cluster`\n {4}MODIFY COLUMN `name` CODEC\(ZSTD\(1\)\),/);
    expect(dist).toMatch(/^ALTER TABLE spoor\.events ON CLUSTER `spoor_cluster`\n/);
    expect(local).toContain('MODIFY COLUMN `items.product_id` CODEC(ZSTD(1))');
    for (const s of [local!, dist!]) await parses(s);
  });

  it('renders every migration into statements the engine parses', async () => {
    for (const m of migrations) for (const s of splitStatements(renderMigration(m.sql, cluster))) await parses(s);
  });
});

describe('cluster rendering of the analysis-model shapes', () => {
  const split = new Set(['events', 'visitor_activity', 'identities']);
  const render = (sql: string) => splitStatements(renderMigration(sql, { ...cluster, split }));

  it('turns an AggregatingMergeTree target into ReplicatedAggregatingMergeTree plus Distributed, keeping settings and comment', async () => {
    const [local, dist] = render(
      `CREATE TABLE IF NOT EXISTS {{db}}.visitor_activity {{on_cluster}}
(
    site_id LowCardinality(String),
    visitor_id String COMMENT 'cookie id, not a name',
    pageviews AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
ORDER BY (site_id, visitor_id)
SETTINGS index_granularity = 8192
COMMENT 'Activity per visitor, as aggregate states';`,
    );
    expect(local).toContain('spoor.visitor_activity_local ON CLUSTER `spoor_cluster`');
    expect(local).toContain(`ENGINE = ReplicatedAggregatingMergeTree(${REPLICA})\nORDER BY (site_id, visitor_id)\nSETTINGS index_granularity = 8192`);
    expect(local).toContain("visitor_id String COMMENT 'cookie id, not a name'");
    expect(dist).toContain("ENGINE = Distributed('spoor_cluster', 'spoor', 'visitor_activity_local', cityHash64(visitor_id))");
    expect(dist).toContain("COMMENT 'Activity per visitor, as aggregate states'");
    for (const s of [local!, dist!]) await parses(s);
  });

  it('keeps engine arguments after the replication path', () => {
    const [local] = render('CREATE TABLE {{db}}.c {{on_cluster}} (k UInt8, v Int8, sign Int8) ENGINE = CollapsingMergeTree(sign) ORDER BY k;');
    expect(local).toContain(`ENGINE = ReplicatedCollapsingMergeTree(${REPLICA}, sign) ORDER BY k`);
  });

  it('has a materialized view read the local source and write the local target, joins untouched', async () => {
    const [mv, ...rest] = render(
      `CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.visitor_activity_mv {{on_cluster}} TO {{db}}.visitor_activity AS
SELECT site_id, visitor_id, uniqState(event_id) AS pageviews
FROM {{db}}.events AS e
LEFT JOIN {{db}}.identities AS i ON i.visitor_id = e.visitor_id
WHERE type = 'pageview'
GROUP BY site_id, visitor_id;`,
    );
    expect(rest).toEqual([]);
    expect(mv).toContain('CREATE MATERIALIZED VIEW IF NOT EXISTS spoor.visitor_activity_mv ON CLUSTER `spoor_cluster` TO spoor.visitor_activity_local AS');
    expect(mv).toContain('FROM spoor.events_local AS e');
    expect(mv).toContain('LEFT JOIN spoor.identities AS i');
    await parses(mv!);
  });

  it('reads the inserted rows from the local source wherever the view mentions its source again', async () => {
    const [mv] = render(
      `CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.pairs_mv {{on_cluster}} TO {{db}}.visitor_activity AS
SELECT n.site_id AS site_id, n.visitor_id AS visitor_id, uniqState(n.event_id) AS pageviews
FROM (SELECT site_id, visitor_id, event_id FROM {{db}}.events) AS n
LEFT JOIN (SELECT visitor_id FROM {{db}}.identities WHERE visitor_id IN (SELECT visitor_id FROM {{db}}.events)) AS i ON i.visitor_id = n.visitor_id
GROUP BY site_id, visitor_id;`,
    );
    expect(mv).toContain('FROM (SELECT site_id, visitor_id, event_id FROM spoor.events_local) AS n');
    expect(mv).toContain('FROM spoor.identities WHERE visitor_id IN (SELECT visitor_id FROM spoor.events_local)');
    await parses(mv!);
  });

  it('keeps a refreshable view reading the Distributed tables, writing the local target', async () => {
    const [mv, ...rest] = render(
      `CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.rfm_mv {{on_cluster}} REFRESH EVERY 30 SECOND APPEND TO {{db}}.visitor_activity AS
SELECT site_id, visitor_id, uniqState(event_id) AS pageviews FROM {{db}}.events GROUP BY site_id, visitor_id;`,
    );
    expect(rest).toEqual([]);
    expect(mv).toContain('REFRESH EVERY 30 SECOND APPEND TO spoor.visitor_activity_local AS');
    expect(mv).toContain('FROM spoor.events GROUP BY');
    await parses(mv!);
  });

  it('leaves plain views on the Distributed tables', () => {
    const sql = `CREATE VIEW IF NOT EXISTS {{db}}.visitor_profiles {{on_cluster}} AS
SELECT site_id, visitor_id, uniqMerge(pageviews) AS pageviews FROM {{db}}.visitor_activity JOIN {{db}}.identities USING (visitor_id) GROUP BY site_id, visitor_id;`;
    expect(render(sql)).toEqual([sql.replaceAll('{{db}}', 'spoor').replace('{{on_cluster}}', 'ON CLUSTER `spoor_cluster`').replace(/;$/, '')]);
  });

  it('alters both parts for column changes and only the local part otherwise', () => {
    expect(render('ALTER TABLE {{db}}.events {{on_cluster}} ADD COLUMN IF NOT EXISTS x UInt8;')).toEqual([
      'ALTER TABLE spoor.events_local ON CLUSTER `spoor_cluster` ADD COLUMN IF NOT EXISTS x UInt8',
      'ALTER TABLE spoor.events ON CLUSTER `spoor_cluster` ADD COLUMN IF NOT EXISTS x UInt8',
    ]);
    expect(render('ALTER TABLE {{db}}.events {{on_cluster}} MODIFY TTL toDateTime(ts) + INTERVAL 1 YEAR;')).toEqual([
      'ALTER TABLE spoor.events_local ON CLUSTER `spoor_cluster` MODIFY TTL toDateTime(ts) + INTERVAL 1 YEAR',
    ]);
    expect(() => render('ALTER TABLE {{db}}.events {{on_cluster}} ADD COLUMN y UInt8, MODIFY TTL toDateTime(ts);')).toThrow(/separate statements/);
  });

  it('refuses a materialized view without TO, which has no local target to write', () => {
    expect(() => render('CREATE MATERIALIZED VIEW {{db}}.m {{on_cluster}} ENGINE = MergeTree ORDER BY a AS SELECT 1 AS a FROM {{db}}.events;')).toThrow(
      /must write TO/,
    );
  });
});
