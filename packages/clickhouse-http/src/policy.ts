// What a read-only caller may run, decided on the engine's own parse of the statement (its
// canonical formatQuery text), so this check and the execution see the same statement. Settings are
// not checked here: a read-only caller's connection is opened with readonly=1, and the engine
// refuses SET and SETTINGS clauses on it (settings-policy.ts decides the ones it opens with).
import { ClickHouseHttpError } from './errors.js';
import { isWord, tokenize, type Token } from '@spoor/warehouse';

export type StatementKind = 'select' | 'show' | 'describe' | 'exists' | 'explain' | 'set' | 'use' | 'insert' | 'kill' | 'other';

export interface StatementInfo {
  kind: StatementKind;
  /** The format named in the statement's top-level FORMAT clause: output of a query, input of an INSERT. */
  format: string | undefined;
  tokens: Token[];
}

const FIRST_WORD: Record<string, StatementKind> = {
  SELECT: 'select',
  WITH: 'select',
  SHOW: 'show',
  DESCRIBE: 'describe',
  DESC: 'describe',
  EXISTS: 'exists',
  EXPLAIN: 'explain',
  SET: 'set',
  USE: 'use',
  INSERT: 'insert',
  KILL: 'kill',
};

/**
 * Statements a read-only caller may run; everything else is refused before it reaches the engine.
 * KILL QUERY is served by the interface (its own queries only, see running.ts).
 */
const READ_ONLY_KINDS = new Set<StatementKind>(['select', 'show', 'describe', 'exists', 'explain', 'set', 'use', 'kill']);

/**
 * Functions and table functions that reach outside the database (files, network, processes,
 * model files). The engine refuses most of them in readonly mode; the scalar `file()` and model
 * loaders it does not, so they are refused here by name, whatever position they appear in.
 */
const DENIED_FUNCTIONS = new Set([
  'file',
  'filecluster',
  'url',
  'urlcluster',
  'input',
  'gcs',
  'cosn',
  'oss',
  'mysql',
  'postgresql',
  'mongodb',
  'redis',
  'sqlite',
  'jdbc',
  'odbc',
  'catboostevaluate',
  'modelevaluate',
  'dictionary',
]);
const DENIED_FUNCTION_PREFIXES = [
  's3',
  'hdfs',
  'azure',
  'remote',
  'cluster',
  'executable',
  'iceberg',
  'deltalake',
  'hudi',
  'paimon',
  'arrowflight',
  'ytsaurus',
  'mergetreeindex',
  'mergetreeprojection',
];

export function describeStatement(canonical: string): StatementInfo {
  const tokens = tokenize(canonical);
  const first = tokens[0];
  let kind: StatementKind = 'other';
  if (first?.kind === 'word') kind = FIRST_WORD[first.text.toUpperCase()] ?? 'other';
  // KILL QUERY is the interface's; KILL MUTATION and the like are the engine's, refused when read-only.
  if (kind === 'kill' && !isWord(tokens[1], 'QUERY')) kind = 'other';
  else if (first?.kind === 'punct' && first.text === '(') kind = 'select';
  return { kind, format: formatClause(tokens), tokens };
}

/** Throws the READONLY exception a ClickHouse server gives a readonly user, naming the reason. */
export function assertReadOnly(info: StatementInfo, user: string, hint = ''): void {
  const refuse = (why: string) => {
    throw ClickHouseHttpError.of('READONLY', `${user}: Cannot execute query in readonly mode${why ? ` (${why})` : ''}${hint}`);
  };
  if (!READ_ONLY_KINDS.has(info.kind)) refuse('');
  const t = info.tokens;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (isWord(tok, 'INTO') && isWord(t[i + 1], 'OUTFILE')) refuse('INTO OUTFILE writes a file');
    if ((tok.kind === 'word' || tok.kind === 'quoted_ident') && t[i + 1]?.text === '(' && t[i + 1]?.kind === 'punct') {
      const name = tok.text.toLowerCase();
      if (DENIED_FUNCTIONS.has(name) || DENIED_FUNCTION_PREFIXES.some((p) => name.startsWith(p))) {
        refuse(`function ${tok.text} reads outside the database`);
      }
    }
  }
}

function formatClause(tokens: Token[]): string | undefined {
  for (let i = tokens.length - 2; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.depth === 0 && isWord(t, 'FORMAT') && (tokens[i + 1]!.kind === 'word' || tokens[i + 1]!.kind === 'quoted_ident')) {
      return tokens[i + 1]!.text;
    }
  }
  return undefined;
}

export interface KillQuery {
  ids: string[];
  mode: 'SYNC' | 'ASYNC' | 'TEST';
}

/**
 * `KILL QUERY WHERE query_id = 'x'` or `… query_id IN ('x', 'y')`, then SYNC, ASYNC or TEST: the
 * shapes clients send to end their own queries. Other KILL statements are not served.
 */
export function parseKillQuery(info: StatementInfo): KillQuery {
  const t = info.tokens;
  const unsupported = () =>
    ClickHouseHttpError.of('NOT_IMPLEMENTED', "only KILL QUERY WHERE query_id = '…' (or query_id IN (…)) [SYNC|ASYNC|TEST] is served by the embedded engine");
  if (!isWord(t[2], 'WHERE') || !isWord(t[3], 'QUERY_ID')) throw unsupported();
  const ids: string[] = [];
  let i = 4;
  if (t[i]?.text === '=' && t[i + 1]?.kind === 'string') {
    ids.push(t[i + 1]!.text);
    i += 2;
  } else if (isWord(t[i], 'IN') && t[i + 1]?.text === '(') {
    for (i += 2; t[i]?.kind === 'string'; i += t[i + 1]?.text === ',' ? 2 : 1) ids.push(t[i]!.text);
    if (t[i]?.text !== ')') throw unsupported();
    i++;
  } else {
    throw unsupported();
  }
  const word = t[i]?.text.toUpperCase();
  const mode = word === 'SYNC' || word === 'ASYNC' || word === 'TEST' ? word : undefined;
  if (mode) i++;
  if (isWord(t[i], 'FORMAT')) i += 2;
  if (i < t.length) throw unsupported();
  return { ids, mode: mode ?? 'ASYNC' };
}

export interface InsertTarget {
  /** `db.table` or `table`, as plain or backquoted identifiers the engine accepts back. */
  table: string;
  columns: string[] | undefined;
  format: string;
  /** Settings in the statement's own SETTINGS clause. */
  settings: Array<[string, string]>;
}

/**
 * `INSERT INTO [TABLE] name [(columns)] [SETTINGS …] FORMAT name` as the engine's canonical text
 * writes it; undefined for other inserts (VALUES, SELECT, table functions).
 */
export function insertTarget(info: StatementInfo): InsertTarget | undefined {
  const t = info.tokens;
  let i = 1;
  if (!isWord(t[i], 'INTO')) return undefined;
  i++;
  if (isWord(t[i], 'TABLE')) i++;
  const name: string[] = [];
  for (;;) {
    const tok = t[i];
    if (!tok || (tok.kind !== 'word' && tok.kind !== 'quoted_ident')) return undefined;
    if (tok.kind === 'word' && t[i + 1]?.text === '(' && name.length === 0 && /^(FUNCTION)$/i.test(tok.text)) return undefined;
    name.push(tok.kind === 'quoted_ident' ? `\`${tok.text.replace(/`/g, '\\`')}\`` : tok.text);
    i++;
    if (t[i]?.text !== '.') break;
    i++;
  }
  let columns: string[] | undefined;
  if (t[i]?.text === '(') {
    columns = [];
    for (i++; t[i] && t[i]!.text !== ')'; i++) {
      const tok = t[i]!;
      if (tok.kind === 'word' || tok.kind === 'quoted_ident') columns.push(tok.text);
      else if (tok.text !== ',') return undefined;
    }
    i++;
  }
  const settings: Array<[string, string]> = [];
  if (isWord(t[i], 'SETTINGS')) {
    for (i++; t[i] && t[i + 1]?.text === '='; i += t[i + 3]?.text === ',' ? 4 : 3) {
      const value = t[i + 2];
      if (!value) return undefined;
      settings.push([t[i]!.text, value.text]);
    }
  }
  if (!isWord(t[i], 'FORMAT') || !t[i + 1] || t[i + 2]) return undefined;
  return { table: name.join('.'), columns, format: t[i + 1]!.text, settings };
}
