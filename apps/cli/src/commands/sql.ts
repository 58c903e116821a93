// `spoor sql "SELECT ..."`: through a running `spoor up` (which holds the data directory), else by
// opening the data directory or the ClickHouse server itself. `--param name=value` fills the query's
// `{name:Type}` placeholders (the parameterised questions in clickhouse/queries).
import { readFileSync } from 'node:fs';
import { parseSqlParams, runSqlText, type SqlFormat } from '@spoor/warehouse';
import { parseFlags } from '../command.js';
import { loadConfig, type Config } from '../config.js';
import { withWarehouse } from '../connect.js';
import { CliError } from '../errors.js';

export const name = 'sql';

export const usage = `  spoor sql "SELECT ..." | --file FILE [--format table|csv|json|ndjson|tsv] [--param name=value ...]
                                                     --param fills the query's {name:Type} placeholders`;

export const options = {
  format: { type: 'string', default: 'table' },
  param: { type: 'string', multiple: true },
  file: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(sqlArgs(argv), options, true);
  const format = values.format as string;
  if (!['table', 'csv', 'json', 'ndjson', 'tsv'].includes(format)) {
    throw new CliError(`--format must be table, csv, json, ndjson or tsv, not ${format}`);
  }
  if (values.file !== undefined && positionals.length > 0) throw new CliError('spoor sql takes a query or --file FILE, not both');
  const query = values.file !== undefined ? readQueryFile(values.file) : positionals.join(' ');
  process.stdout.write(await sql(loadConfig(), query, format as SqlFormat, values.param ?? []));
}

async function sql(config: Config, query: string, format: SqlFormat, paramFlags: readonly string[] = []): Promise<string> {
  if (!query.trim()) throw new CliError('spoor sql needs a query, e.g. spoor sql "SELECT count() FROM spoor.events"');
  let params: Record<string, string>;
  try {
    params = parseSqlParams(paramFlags);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return withWarehouse(config, (wh) => runSqlText(wh, query, format, params));
}

/**
 * A query that opens with a `-- comment` (every file in clickhouse/queries) is the query, not an
 * unknown option: an argument with a line break or a space in it goes after `--`.
 */
function sqlArgs(argv: string[]): string[] {
  const flags: string[] = [];
  const query: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      query.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && !/\s/.test(a)) {
      flags.push(a);
      // The value of --format/--param/--file, when not written as --flag=value.
      if (/^--(format|param|file)$/.test(a) && i + 1 < argv.length) flags.push(argv[++i]!);
    } else query.push(a);
  }
  return [...flags, '--', ...query];
}

function readQueryFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
