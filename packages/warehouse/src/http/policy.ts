// What a read-only caller may run, decided on the engine's own parse of the statement (its
// canonical formatQuery text), so this check and the execution see the same statement.
import { ClickHouseHttpError } from './errors.js';
import { isWord, tokenize, type Token } from '../sql-tokens.js';

export type StatementKind = 'select' | 'show' | 'describe' | 'exists' | 'explain' | 'set' | 'use' | 'insert' | 'other';

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
};

/** Statements a read-only caller may run; everything else is refused before it reaches the engine. */
const READ_ONLY_KINDS = new Set<StatementKind>(['select', 'show', 'describe', 'exists', 'explain', 'set', 'use']);

/**
 * Functions and table functions that reach outside the database (files, network, processes,
 * model files). The engine refuses most of them in readonly mode; the scalar `file()` and model
 * loaders it does not, so they are refused here by name, whatever position they appear in.
 */
const DENIED_FUNCTIONS = new Set([
  'file', 'filecluster', 'url', 'urlcluster', 'input', 'gcs', 'cosn', 'oss',
  'mysql', 'postgresql', 'mongodb', 'redis', 'sqlite', 'jdbc', 'odbc',
  'catboostevaluate', 'modelevaluate', 'dictionary',
]);
const DENIED_FUNCTION_PREFIXES = [
  's3', 'hdfs', 'azure', 'remote', 'cluster', 'executable', 'iceberg', 'deltalake', 'hudi', 'paimon',
  'arrowflight', 'ytsaurus', 'mergetreeindex', 'mergetreeprojection',
];

/** Settings a read-only caller may not change (the engine refuses `readonly` itself, too). */
export const READ_ONLY_DENIED_SETTINGS = new Set(['readonly', 'dialect', 'allow_introspection_functions', 'allow_ddl']);

export function describeStatement(canonical: string): StatementInfo {
  const tokens = tokenize(canonical);
  const first = tokens[0];
  let kind: StatementKind = 'other';
  if (first?.kind === 'word') kind = FIRST_WORD[first.text.toUpperCase()] ?? 'other';
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
    const settingsStart = (info.kind === 'set' && i === 0) || isWord(tok, 'SETTINGS');
    if (settingsStart) {
      for (const name of settingNames(t, i + 1)) {
        if (READ_ONLY_DENIED_SETTINGS.has(name.toLowerCase())) {
          throw ClickHouseHttpError.of('READONLY', `Cannot modify '${name}' setting in readonly mode`);
        }
      }
    }
  }
}

/** Names in `name = value, name = value` starting at `from`. */
function settingNames(t: Token[], from: number): string[] {
  const names: string[] = [];
  let i = from;
  while (i < t.length && (t[i]!.kind === 'word' || t[i]!.kind === 'quoted_ident') && t[i + 1]?.text === '=') {
    names.push(t[i]!.text);
    // Skip the value: everything up to the next comma at the same depth.
    const depth = t[i]!.depth;
    i += 2;
    while (i < t.length && !(t[i]!.text === ',' && t[i]!.kind === 'punct' && t[i]!.depth === depth)) {
      if (t[i]!.depth === depth && t[i]!.kind === 'word' && /^(FORMAT|SETTINGS)$/i.test(t[i]!.text)) return names;
      i++;
    }
    i++;
  }
  return names;
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
