// Applies clickhouse/migrations/NNNN_name.sql in order, once each, recording them in ClickHouse.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Warehouse } from './client.js';
import { clusterStatements, splitTableNames } from './cluster-ddl.js';
import { WarehouseError } from './errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface RenderOptions {
  database: string;
  /** `SPOOR_CLICKHOUSE_CLUSTER`: DDL gets `ON CLUSTER` and replicated engines. */
  cluster?: string | undefined;
}

/** The repository's `clickhouse/migrations`, found from this file's place in the workspace. */
export const DEFAULT_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../clickhouse/migrations');

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = FILE.exec(file);
    if (!m) throw new WarehouseError('config', `migration file ${file} is not named NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new WarehouseError('config', `two migrations share version ${m[1]}`);
    seen.add(version);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version, name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16) };
  });
}

/**
 * Fills the template: `{{db}}` is the database, `{{on_cluster}}` is `ON CLUSTER name` or nothing.
 * With a cluster, statements are rewritten for scale-out (see cluster-ddl.ts): MergeTree-family
 * tables become Replicated `_local` tables behind Distributed ones, materialized views run on the
 * local parts. `split` names the tables with a `_local` part across all migrations; by default, the
 * ones this text creates. Without a cluster the text is only filled in.
 */
export function renderMigration(sql: string, opts: RenderOptions & { split?: Set<string> }): string {
  let out = sql.replaceAll('{{db}}', opts.database);
  out = out.replaceAll('{{on_cluster}}', opts.cluster ? `ON CLUSTER ${backquote(opts.cluster)}` : '');
  if (!opts.cluster) return out;
  const statements = splitStatements(out);
  const split = opts.split ?? splitTableNames(statements, opts.database);
  return statements
    .flatMap((s) => clusterStatements(s, { database: opts.database, cluster: opts.cluster!, split }))
    .map((s) => `${s};\n`)
    .join('\n');
}

/** Splits a migration into statements: each ends with `;` at the end of a line. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function backquote(name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new WarehouseError('config', `cluster name ${JSON.stringify(name)} is not plain`);
  return `\`${name}\``;
}

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations {{on_cluster}} (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version
    SETTINGS non_replicated_deduplication_window = 10000
    COMMENT 'Migrations applied by spoor migrate, one row per clickhouse/migrations file.'`;

export interface MigrateResult {
  applied: Migration[];
  skipped: number;
}

/** Idempotent: migrations already recorded are skipped; an edited one is refused. */
export async function migrate(wh: Warehouse, opts: { dir?: string; cluster?: string | undefined } = {}): Promise<MigrateResult> {
  const migrations = loadMigrations(opts.dir);
  // On a cluster, every table any migration creates is known before the first one runs, so an
  // ALTER in a later file is rendered for the table's local and Distributed parts alike.
  const fill = (sql: string) => renderMigration(sql, { database: wh.database });
  const split = opts.cluster
    ? splitTableNames(
        [SCHEMA_MIGRATIONS, ...migrations.map((m) => m.sql)].flatMap((sql) => splitStatements(fill(sql))),
        wh.database,
      )
    : undefined;
  const render = (sql: string) => renderMigration(sql, { database: wh.database, cluster: opts.cluster, split });
  await wh.command(render('CREATE DATABASE IF NOT EXISTS {{db}} {{on_cluster}}'));
  for (const statement of splitStatements(render(SCHEMA_MIGRATIONS))) await wh.command(statement);
  const done = new Map(
    (
      await wh.query<{ version: number; checksum: string }>(
        `SELECT version, argMax(checksum, applied_at) AS checksum FROM ${wh.database}.schema_migrations GROUP BY version`,
      )
    ).map((r) => [Number(r.version), r.checksum]),
  );
  const applied: Migration[] = [];
  let skipped = 0;
  for (const m of migrations) {
    const previous = done.get(m.version);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new WarehouseError('migration_changed', `migration ${m.version}_${m.name} was edited after it was applied; add a new migration instead`);
      }
      skipped++;
      continue;
    }
    for (const statement of splitStatements(render(m.sql))) {
      try {
        await wh.command(statement);
      } catch (err) {
        throw new WarehouseError('migration_failed', `migration ${m.version}_${m.name} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
      }
    }
    await wh.insert('schema_migrations', [{ version: m.version, name: m.name, checksum: m.checksum }], {
      async_insert: 0,
      insert_deduplicate: 0,
      // On a cluster the row must be on its shard before the next migrate looks for it.
      ...(opts.cluster ? { distributed_foreground_insert: 1 } : {}),
    });
    applied.push(m);
  }
  return { applied, skipped };
}
