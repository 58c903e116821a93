// The SQL behind every figure: the files of clickhouse/queries, read as they are, so the page and
// an analyst's `spoor sql --file` run the very same text. They name the database `spoor`; on
// another CLICKHOUSE_DATABASE the qualifier is swapped, nothing else.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReportError } from './errors.js';

/** The repository's clickhouse/queries, from this package's dist/. */
export const QUERIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../clickhouse/queries');

/** The query files the workspace runs, by what they answer. */
export const QUERY_FILES = {
  overviewDaily: '17_overview_daily.sql',
  overviewTotals: '18_overview_totals.sql',
  acquisition: '19_acquisition.sql',
  funnel: '20_funnel_people.sql',
  rfmGrid: '21_rfm_grid_people.sql',
  cohorts: '22_cohorts.sql',
  customerSearch: '23_customer_search.sql',
  customerProfile: '24_customer_profile.sql',
  customerDevices: '25_customer_devices.sql',
  customerTimeline: '26_customer_timeline.sql',
  segmentHistory: '27_segment_history.sql',
} as const;

export type QueryName = keyof typeof QUERY_FILES;

const cache = new Map<string, string>();

/** The text of a query file, for a database (`spoor.` qualifiers become `<database>.`). */
export function querySql(name: QueryName, database: string, dir = QUERIES_DIR): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`database name ${database} is not a plain identifier`);
  const path = join(dir, QUERY_FILES[name]);
  let text = cache.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ReportError('missing_query', `cannot read ${path}: ${(err as Error).message}`);
    }
    cache.set(path, text);
  }
  return database === 'spoor' ? text : text.replace(/\bspoor\./g, `${database}.`);
}
