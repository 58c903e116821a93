// Migration sets for the engine benchmarks: every view, the raw tables only, or all but some views.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MIGRATIONS_DIR } from '@spoor/warehouse';

/**
 * A directory of migrations for `set`: `views` (the repository's own), `noviews` (events,
 * rejected_events and later changes to events), `norec` (every view but the recommendation
 * statistics: products, session_products, product_pairs). Copies go under `dir`.
 */
export function migrationsFor(set, dir) {
  if (set === 'views') return DEFAULT_MIGRATIONS_DIR;
  const keep =
    set === 'noviews' ? (f) => /^\d{4}_(events|rejected_events|events_.*)\.sql$/.test(f) : set === 'norec' ? (f) => !/^005[0-2]_/.test(f) : undefined;
  if (!keep) throw new Error(`unknown migration set ${set}`);
  const out = join(dir, 'migrations');
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(DEFAULT_MIGRATIONS_DIR)) if (keep(f)) copyFileSync(join(DEFAULT_MIGRATIONS_DIR, f), join(out, f));
  return out;
}
