// Child of the engine scenario: ways of inserting the same rows into a fresh embedded engine, timed
// per insert of 10,000 rows with a dedup token each (as the worker inserts). Prints one JSON line per
// variant: rows, the wall ms of its inserts and their sum of process CPU ms (the engine's threads
// included, so background merges running meanwhile count too).
//
//   node insert-paths.mjs ROWS_FILE VARIANT...
// VARIANT is PATH:VIEWS[:SETTINGS_JSON]. PATH: json (the worker's JSONEachRow body through chDB's
// raw insert), tsv (TabSeparated), compact (JSONCompactEachRow), select (INSERT … SELECT from a
// staging table inside the engine: no parsing). VIEWS: views (every materialized view), noviews (the
// raw tables only), only=a_mv,b_mv (every table, only these views), sql=FILE (the raw tables, then
// the statements of FILE), all+sql=FILE (every view, then the statements of FILE). SETTINGS_JSON: more insert settings.
// Several variants share one engine, each in a database of its own, and take turns insert by insert
// (the order flipping every round), so drift on a shared machine hits them alike: compare their
// per-insert ratios, not absolute figures. One variant per process gives the absolute figures.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { dedupInsertSettings, migrate, openWarehouse, renderMigration, settingsClause, splitStatements } from '@spoor/warehouse';
import { migrationsFor } from '../lib/migrations.mjs';

const [rowsFile, ...specs] = process.argv.slice(2);
const PER_INSERT = Number(process.env.PER_INSERT ?? 10_000);
const FORMAT = { json: 'JSONEachRow', tsv: 'TabSeparated', compact: 'JSONCompactEachRow' };
const dir = mkdtempSync(join(tmpdir(), 'spoor-bench-paths-'));
const dataDir = join(dir, 'clickhouse');

const variants = [];
for (const [i, spec] of specs.entries()) {
  const [path, views, ...json] = spec.split(':');
  if (path !== 'select' && !FORMAT[path]) throw new Error(`unknown path ${path}`);
  const database = `v${i}`;
  const wh = await openWarehouse({ dataDir, database });
  const set = views.startsWith('only=') || views.startsWith('all+sql=') ? 'views' : views.startsWith('sql=') ? 'noviews' : views;
  await migrate(wh, { dir: migrationsFor(set, join(dir, database)) });
  if (views.startsWith('only=')) {
    const keep = new Set(views.slice(5).split(',').filter(Boolean));
    const mvs = await wh.query("SELECT name FROM system.tables WHERE database = {db:String} AND engine = 'MaterializedView'", { db: database });
    for (const { name } of mvs) if (!keep.has(name)) await wh.command(`DROP VIEW ${database}.${name}`);
  } else if (views.startsWith('sql=') || views.startsWith('all+sql=')) {
    const file = views.slice(views.indexOf('=') + 1);
    for (const st of splitStatements(renderMigration(readFileSync(file, 'utf8'), { database }))) await wh.command(st);
  }
  await wh.close();
  variants.push({ spec, path, views, database, settings: JSON.parse(json.join(':') || '{}'), wallMs: 0, cpuMs: 0, perInsert: [] });
}

const session = new Session(dataDir);
const lines = readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean);
const slices = [];
for (let i = 0; i < lines.length; i += PER_INSERT) slices.push(lines.slice(i, i + PER_INSERT));

// The select, tsv and compact paths read the rows from a staging table, outside any variant's views.
await session.queryAsync('CREATE DATABASE stage');
await session.queryAsync(`CREATE TABLE stage.events AS ${variants[0].database}.events ENGINE = MergeTree ORDER BY tuple()`);
await session.queryAsync('ALTER TABLE stage.events ADD COLUMN n UInt32');
for (const [n, slice] of slices.entries()) {
  await session.insert({ table: 'stage.events', values: Buffer.from(slice.map((l) => `{"n":${n},${l.slice(1)}`).join('\n')), format: 'JSONEachRow' });
}
// Bodies per format, built before the clock starts. json is what the worker sends: JSON.stringify
// of each row object, joined; its cost is reported on its own (serialise_ms).
const bodies = {};
let serialiseMs = 0;
for (const path of new Set(variants.map((v) => v.path))) {
  if (path === 'select') continue;
  bodies[path] = [];
  for (const [n, slice] of slices.entries()) {
    if (path === 'json') {
      const objects = slice.map((l) => JSON.parse(l));
      const t0 = performance.now();
      bodies.json.push(Buffer.from(objects.map((o) => JSON.stringify(o)).join('\n')));
      serialiseMs += performance.now() - t0;
    } else {
      bodies[path].push(Buffer.from((await session.queryAsync(`SELECT * EXCEPT n FROM stage.events WHERE n = ${n}`, { format: FORMAT[path] })).text()));
    }
  }
}

const rowsOf = async (sql) =>
  (await session.queryAsync(sql, { format: 'JSONEachRow' }))
    .text()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

// What planning the views' queries costs, apart from running them: EXPLAIN of each materialized
// view's SELECT while every table is still empty (so no subquery reads anything), the median of
// five, summed over the variant's views. The engine plans each view's query again for every insert;
// a refreshable view (rfm_thresholds_mv) runs on its own schedule instead, so it is left out.
for (const v of variants) {
  const mvs = await rowsOf(
    `SELECT as_select FROM system.tables WHERE database = '${v.database}' AND engine = 'MaterializedView' AND create_table_query NOT LIKE '% REFRESH %'`,
  );
  v.insertViews = mvs.length;
  v.planMs = 0;
  for (const { as_select: sql } of mvs) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await session.queryAsync(`EXPLAIN ${sql}`);
      times.push(performance.now() - t0);
    }
    v.planMs += times.sort((a, b) => a - b)[2];
  }
}

async function insert(v, n) {
  const settings = { ...dedupInsertSettings(`paths-${n}`), ...v.settings };
  if (v.path === 'select') {
    await session.queryAsync(`INSERT INTO ${v.database}.events ${settingsClause(settings)} SELECT * EXCEPT n FROM stage.events WHERE n = ${n}`);
  } else {
    await session.insert({ table: `${v.database}.events`, values: bodies[v.path][n], format: FORMAT[v.path], settings });
  }
}

for (const n of slices.keys()) {
  for (const v of n % 2 === 0 ? variants : [...variants].reverse()) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await insert(v, n);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    v.wallMs += ms;
    v.cpuMs += (cpu.user + cpu.system) / 1000;
    v.perInsert.push(ms);
  }
}
for (const v of variants) {
  const [{ n: stored }] = await rowsOf(`SELECT count() AS n FROM ${v.database}.events`);
  // Bytes on disk once merged (OPTIMIZE FINAL of every table, outside the timed inserts), so the
  // figure does not depend on how far background merges got.
  const tables = await rowsOf(`SELECT name FROM system.tables WHERE database = '${v.database}' AND engine LIKE '%MergeTree'`);
  // Wide parts for events, as its merged parts are in a real shop (beyond 10 MiB): a compact part
  // keeps no per-column sizes, and the event_id figure needs them.
  await session.queryAsync(`ALTER TABLE ${v.database}.events MODIFY SETTING min_bytes_for_wide_part = 0`);
  for (const { name } of tables) await session.queryAsync(`OPTIMIZE TABLE ${v.database}.${name} FINAL`);
  const bytes = await rowsOf(
    `SELECT table, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = '${v.database}' AND active GROUP BY table ORDER BY bytes DESC`,
  );
  // Random UUIDs do not compress: the floor under the events table's bytes.
  const [{ bytes: eventIdBytes }] = await rowsOf(
    `SELECT data_compressed_bytes AS bytes FROM system.columns WHERE database = '${v.database}' AND table = 'events' AND name = 'event_id'`,
  );
  const out = {
    spec: v.spec,
    path: v.path,
    views: v.views,
    rows: lines.length,
    stored: Number(stored),
    inserts: slices.length,
    wall_ms: v.wallMs,
    cpu_ms: v.cpuMs,
    per_insert_ms: v.perInsert,
    views_plan_ms: v.planMs,
    insert_views: v.insertViews,
    bytes_on_disk: bytes.reduce((n, b) => n + Number(b.bytes), 0),
    bytes_by_table: Object.fromEntries(bytes.map((b) => [b.table, Number(b.bytes)])),
    event_id_bytes: Number(eventIdBytes),
  };
  if (v.path === 'json') out.serialise_ms = serialiseMs;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
session.close();
rmSync(dir, { recursive: true, force: true });
