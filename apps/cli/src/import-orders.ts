// What `spoor import orders FILE` does once its flags are read: a shop's past orders (any age) from a
// file, with a progress bar on a terminal and a summary of what was read. Through a running `spoor
// up`, on the data directory, or over CLICKHOUSE_URL, like `spoor sql`.
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { siteIdSchema } from '@spoor/events';
import { IMPORT_FORMATS, OrdersError, parseColumnMap, type Column, type ImportFormat } from '@spoor/orders';
import { emailHasher } from '@spoor/secrets';
import { getSite, migrate } from '@spoor/warehouse';
import type { Config } from './config.js';
import { withWarehouse } from './connect.js';
import { dataDir, secretKey } from './data-dir.js';
import { CliError } from './errors.js';
import { importOrderFile, type OrderImportSummary } from './order-import.js';
import { MIGRATIONS_DIR } from './paths.js';
import { createProgress } from './progress.js';

/** The site of `spoor up`'s demo shop, where orders go when no --site is named. */
const DEFAULT_SITE = 'demo';
/** Skipped lines listed in the summary; all of them are in rejected_events. */
const LISTED = 20;

export interface ImportFlags {
  positionals: string[];
  values: { format?: string | undefined; site?: string | undefined; map?: string | undefined; currency?: string | undefined };
}

export async function importOrders(config: Config, parsed: ImportFlags): Promise<void> {
  const [what, file, ...extra] = parsed.positionals;
  if (what !== 'orders') throw new CliError(`spoor import needs orders, not ${what ?? 'nothing'} (spoor import orders FILE)`);
  if (!file) throw new CliError('spoor import orders needs a FILE');
  if (extra.length > 0) throw new CliError(`spoor import orders takes one file, not ${[file, ...extra].join(' ')}`);
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`no such file: ${file}`);
  const format = formatOf(parsed.values.format, path);
  const site = siteIdSchema.safeParse(parsed.values.site ?? DEFAULT_SITE);
  if (!site.success) throw new CliError(`--site ${site.error.issues[0]!.message}`);
  const currency = parsed.values.currency;
  if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) throw new CliError(`--currency must be a 3-letter code such as EUR, not ${currency}`);
  let map: Record<string, Column> | undefined;
  if (parsed.values.map !== undefined) {
    if (format === 'cdnow') throw new CliError('--map does not apply to --format cdnow (its columns are fixed)');
    try {
      map = parseColumnMap(parsed.values.map);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }

  let unregistered = false;
  const summary = await withWarehouse(config, async (wh) => {
    if (wh.kind === 'embedded') await migrate(wh, { dir: MIGRATIONS_DIR, cluster: config.SPOOR_CLICKHOUSE_CLUSTER });
    const registered = await getSite(wh, site.data);
    unregistered = !registered && site.data !== DEFAULT_SITE;
    const progress = process.stderr.isTTY ? createProgress(process.stderr, `importing ${file}`, Date.now, 'bytes') : undefined;
    try {
      return await importOrderFile(wh, {
        file: path,
        format,
        site: site.data,
        map,
        currency: currency?.toUpperCase(),
        storeEmails: registered?.store_emails ?? false,
        hashEmail: emailKey(config),
        onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
      });
    } catch (err) {
      if (err instanceof OrdersError && err.code === 'no_email_key') {
        throw new CliError(
          'the file has e-mail addresses, which are stored only as keyed hashes: set SPOOR_SECRET_KEY to the key your collectors run with (or leave the column out with --map COLUMN=)',
        );
      }
      if (err instanceof OrdersError) throw new CliError(err.message);
      throw err;
    } finally {
      progress?.end();
    }
  });
  process.stdout.write(report(file, site.data, summary));
  if (unregistered)
    process.stdout.write(`note: site ${site.data} is not registered (spoor sites add ${site.data} --origin URL); its orders were imported all the same\n`);
}

function formatOf(flag: string | undefined, path: string): ImportFormat {
  if (flag === undefined) return ['.ndjson', '.jsonl'].includes(extname(path).toLowerCase()) ? 'ndjson' : 'csv';
  if (!(IMPORT_FORMATS as readonly string[]).includes(flag)) throw new CliError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, not ${flag}`);
  return flag as ImportFormat;
}

/**
 * The key e-mail addresses are hashed with: SPOOR_SECRET_KEY, else the data directory's (the one a
 * `spoor up` there runs with). A server's collectors run elsewhere, so there only the variable
 * names their key; without it, a file with addresses fails at its first one.
 */
function emailKey(config: Config): ((site: string, email: string) => string) | undefined {
  if (config.SPOOR_SECRET_KEY) return emailHasher(config.SPOOR_SECRET_KEY);
  if (config.CLICKHOUSE_URL) return undefined;
  return emailHasher(secretKey(dataDir(config.dataDir), undefined));
}

function report(file: string, site: string, s: OrderImportSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const unreadable = s.skipped.filter((l) => l.kind === 'unreadable').length;
  const lines = [
    `imported ${file} into site ${site} in ${(s.ms / 1000).toFixed(1)} s`,
    `  lines      ${n(s.lines)}`,
    `  orders     ${n(s.orders)}`,
    `  customers  ${n(s.customers)}`,
    `  refunds    ${n(s.refunds)}`,
  ];
  if (s.forgotten > 0) lines.push(`  left out   ${n(s.forgotten)} events of people erased by spoor forget`);
  lines.push(
    `  skipped    ${n(s.skipped.length)} line${s.skipped.length === 1 ? '' : 's'}${unreadable > 0 ? ` (${n(unreadable)} unreadable, kept in spoor.rejected_events)` : ''}`,
  );
  for (const l of s.skipped.slice(0, LISTED)) lines.push(`    line ${l.line}: ${l.reason}`);
  if (s.skipped.length > LISTED) lines.push(`    ... and ${n(s.skipped.length - LISTED)} more`);
  return `${lines.join('\n')}\n`;
}
