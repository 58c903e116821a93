// Scale-out DDL: rewrites rendered migration statements for a ClickHouse cluster.
//
// Each MergeTree-family table X becomes X_local (the Replicated twin of its engine, one copy per
// shard, replicated through Keeper) plus X, a Distributed table over X_local sharded by
// cityHash64(visitor_id) when X has a visitor_id column (so a visitor's rows and profile live on one
// shard), else by rand(). Readers and writers keep using X. A materialized view is triggered by
// inserts into the local part of its source and writes to the local part of its target, so it reads
// `FROM db.events_local` (every mention of its source, which inside the view means the inserted
// rows) and writes `TO db.x_local`; plain views stay on the Distributed tables.
// Shapes are recognised by their SQL, never by table name.
import { WarehouseError } from './errors.js';
import { isWord, tokenize, type Token } from './sql-tokens.js';

const MERGE_TREE = /^(Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing|Graphite|Coalescing)?MergeTree$/;
const REPLICA_PATH = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`;
const COLUMN_ALTERS = /^(ADD|DROP|MODIFY|RENAME|CLEAR|COMMENT)\s+COLUMN\b/i;

/** Names of the MergeTree-family tables created by these statements: the ones that get split. */
export function splitTableNames(statements: string[], database: string): Set<string> {
  const names = new Set<string>();
  for (const sql of statements) {
    const t = tokenize(sql);
    const create = createTable(t, database);
    if (create && create.engine && MERGE_TREE.test(create.engine.text)) names.add(create.name.text);
  }
  return names;
}

/**
 * One statement in, one or more out. `split` names the tables that have a _local part (see
 * splitTableNames, over every migration, so a later ALTER knows an earlier CREATE).
 */
export function clusterStatements(sql: string, opts: { database: string; cluster: string; split: Set<string> }): string[] {
  const t = tokenize(sql);
  const { database: db, cluster, split } = opts;
  const onCluster = `ON CLUSTER \`${cluster}\``;

  const create = createTable(t, db);
  if (create) {
    if (!create.engine || !MERGE_TREE.test(create.engine.text)) return [sql];
    const name = create.name.text;
    const local = edit(sql, [
      { start: create.name.start, end: create.name.end, text: `${name}_local` },
      { start: create.engine.start, end: create.engineEnd, text: replicatedEngine(sql, t, create.engineIndex) },
    ]);
    const comment = tableComment(t);
    const key = hasColumn(t, create.columnsIndex, 'visitor_id') ? 'cityHash64(visitor_id)' : 'rand()';
    const ifNotExists = create.ifNotExists ? 'IF NOT EXISTS ' : '';
    const distributed =
      `CREATE TABLE ${ifNotExists}${db}.${name} ${onCluster} AS ${db}.${name}_local\n` +
      `ENGINE = Distributed('${cluster}', '${db}', '${name}_local', ${key})` +
      (comment ? `\nCOMMENT ${sql.slice(comment.start, comment.end)}` : '');
    return [local, distributed];
  }

  if (isWord(t[0], 'CREATE') && t.some((x, i) => isWord(x, 'MATERIALIZED') && isWord(t[i + 1], 'VIEW'))) {
    const edits: Edit[] = [];
    const to = t.findIndex((x, i) => x.depth === 0 && isWord(x, 'TO') && qualified(t, i + 1, db));
    if (to < 0) {
      throw new WarehouseError('config', 'a materialized view must write TO a table ({{db}}.x) to run on a cluster');
    }
    if (split.has(t[to + 3]!.text)) edits.push(rename(t[to + 3]!));
    // The trigger is the first table read: inserts into its local part fire the view on each shard.
    // Inside the view every other mention of that table (a subquery selecting keys of the inserted
    // rows) means the inserted block too, so each one reads the local part as well. A refreshable
    // view (REFRESH ...) is fired by its schedule, not by inserts: it recomputes from the whole
    // data, so its reads stay on the Distributed tables and every node computes the same rows.
    const refreshable = t.slice(0, to).some((x) => x.depth === 0 && isWord(x, 'REFRESH'));
    const from = refreshable ? -1 : t.findIndex((x, i) => isWord(x, 'FROM') && qualified(t, i + 1, db));
    const trigger = from >= 0 ? t[from + 3]!.text : undefined;
    if (trigger && split.has(trigger)) {
      for (let i = to + 4; i < t.length; i++) if (qualified(t, i, db) && t[i + 2]!.text === trigger) edits.push(rename(t[i + 2]!));
    }
    return [edit(sql, edits)];
  }

  if (isWord(t[0], 'ALTER') && isWord(t[1], 'TABLE') && qualified(t, 2, db) && split.has(t[4]!.text)) {
    const local = edit(sql, [rename(t[4]!)]);
    const ops = sql
      .slice(opsStart(t, 5))
      .split(/,(?![^(]*\))/)
      .map((s) => s.trim());
    const columnOps = ops.filter((op) => COLUMN_ALTERS.test(op)).length;
    if (columnOps === 0) return [local];
    if (columnOps !== ops.length) {
      throw new WarehouseError('config', 'on a cluster, put column changes and other ALTERs of a table in separate statements');
    }
    // The Distributed table must show the same columns as its local part.
    return [local, sql];
  }

  if (isWord(t[0], 'DROP') && isWord(t[1], 'TABLE')) {
    const at = isWord(t[2], 'IF') ? 4 : 2;
    if (qualified(t, at, db) && split.has(t[at + 2]!.text)) return [sql, edit(sql, [rename(t[at + 2]!)])];
    return [sql];
  }

  if ((isWord(t[0], 'OPTIMIZE') || isWord(t[0], 'TRUNCATE')) && isWord(t[1], 'TABLE')) {
    const at = isWord(t[2], 'IF') ? 4 : 2;
    if (qualified(t, at, db) && split.has(t[at + 2]!.text)) return [edit(sql, [rename(t[at + 2]!)])];
  }

  if (isWord(t[0], 'RENAME') || isWord(t[0], 'EXCHANGE')) {
    throw new WarehouseError('config', 'RENAME/EXCHANGE of tables is not rendered for a cluster; create a new table instead');
  }
  return [sql];
}

interface CreateTable {
  name: Token;
  ifNotExists: boolean;
  columnsIndex: number;
  engine: Token | undefined;
  engineIndex: number;
  engineEnd: number;
}

function createTable(t: Token[], db: string): CreateTable | undefined {
  let i = 0;
  if (!isWord(t[i++], 'CREATE')) return undefined;
  if (isWord(t[i], 'OR') && isWord(t[i + 1], 'REPLACE')) i += 2;
  if (!isWord(t[i++], 'TABLE')) return undefined;
  const ifNotExists = isWord(t[i], 'IF') && isWord(t[i + 1], 'NOT') && isWord(t[i + 2], 'EXISTS');
  if (ifNotExists) i += 3;
  if (!qualified(t, i, db)) return undefined;
  const name = t[i + 2]!;
  const columnsIndex = t.findIndex((x, j) => j > i && x.depth === 0 && x.text === '(' && x.kind === 'punct');
  const engineIndex = t.findIndex((x, j) => x.depth === 0 && isWord(x, 'ENGINE') && t[j + 1]?.text === '=');
  if (engineIndex < 0) return { name, ifNotExists, columnsIndex, engine: undefined, engineIndex, engineEnd: 0 };
  const engine = t[engineIndex + 2]!;
  // The engine's arguments, if any, end with the parenthesis that closes at depth 0.
  let engineEnd = engine.end;
  if (t[engineIndex + 3]?.text === '(') {
    const close = t.findIndex((x, j) => j > engineIndex + 3 && x.depth === 0 && x.text === ')');
    engineEnd = t[close]!.end;
  }
  return { name, ifNotExists, columnsIndex, engine, engineIndex, engineEnd };
}

function replicatedEngine(sql: string, t: Token[], engineIndex: number): string {
  const engine = t[engineIndex + 2]!;
  const open = t[engineIndex + 3];
  let args = '';
  if (open?.text === '(') {
    const close = t.findIndex((x, j) => j > engineIndex + 3 && x.depth === 0 && x.text === ')');
    args = sql.slice(open.end, t[close]!.start).trim();
  }
  return `Replicated${engine.text}(${REPLICA_PATH}${args ? `, ${args}` : ''})`;
}

/** `db . name` at i. */
function qualified(t: Token[], i: number, db: string): boolean {
  return t[i]?.text === db && t[i + 1]?.text === '.' && (t[i + 2]?.kind === 'word' || t[i + 2]?.kind === 'quoted_ident');
}

/** A column of the definition list: a name right after its `(` or a `,` at depth 1. */
function hasColumn(t: Token[], columnsIndex: number, column: string): boolean {
  if (columnsIndex < 0) return false;
  for (let i = columnsIndex + 1; i < t.length && t[i]!.depth > 0; i++) {
    const prev = t[i - 1]!;
    const starts = i === columnsIndex + 1 || (prev.text === ',' && prev.depth === 1);
    if (starts && t[i]!.depth === 1 && t[i]!.text === column && t[i]!.kind !== 'string') return true;
  }
  return false;
}

/** The table's own COMMENT (depth 0, after the column list), not a column's. */
function tableComment(t: Token[]): Token | undefined {
  for (let i = t.length - 2; i >= 0; i--) {
    if (t[i]!.depth === 0 && isWord(t[i], 'COMMENT') && t[i + 1]!.kind === 'string') return t[i + 1];
  }
  return undefined;
}

function opsStart(t: Token[], from: number): number {
  let i = from;
  if (isWord(t[i], 'ON') && isWord(t[i + 1], 'CLUSTER')) i += 3;
  return t[i]?.start ?? 0;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function rename(tok: Token): Edit {
  return { start: tok.start, end: tok.end, text: `${tok.text}_local` };
}

function edit(sql: string, edits: Edit[]): string {
  let out = sql;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
