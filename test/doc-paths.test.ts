// Every repository path the docs name exists: a file moved or renamed without its docs fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** The folders a path in prose starts with to count as one of this repository's. */
const TOP = ['apps', 'packages', 'clickhouse', 'docs', 'examples', 'bench', 'scripts', 'test'];
/** Paths of other repositories the docs name on purpose (clickhouse-js's test folders, in BENCHMARKS.md). */
const ELSEWHERE = ['packages/client-common/', 'packages/client-node/'];

/** A path with a placeholder (`<name>`, `NNNN`, `*`, `{...}`) names a pattern, not a file. */
const isPattern = (p: string) => /[<>*{}]|NNNN/.test(p);

/** Exists as named, or as the start of a file name in its folder (`clickhouse/queries/17` for 17_overview_daily.sql). */
function exists(path: string): boolean {
  const full = join(ROOT, path);
  if (existsSync(full)) return true;
  const dir = dirname(full);
  const stem = path.slice(path.lastIndexOf('/') + 1);
  return stem.length > 0 && existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(stem));
}

function namedPaths(doc: string, text: string): string[] {
  const found = new Set<string>();
  const inProse = new RegExp(`(?<![\\w./@-])(?:${TOP.join('|')})/[\\w./-]*`, 'g');
  for (const m of text.matchAll(inProse)) found.add(m[0]);
  // Markdown links, relative to the doc's folder.
  for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/.test(target)) continue;
    found.add(relative(ROOT, resolve(ROOT, dirname(doc), target)));
  }
  return [...found].map((p) => p.replace(/[.,:;_]+$/, '')).filter((p) => p && !isPattern(p) && !ELSEWHERE.some((e) => p.startsWith(e)));
}

it('every repository path named in README, CONTRIBUTING and docs/ exists', () => {
  const missing: string[] = [];
  for (const doc of DOCS) {
    if (!existsSync(join(ROOT, doc))) {
      missing.push(`${doc} itself`);
      continue;
    }
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const p of namedPaths(doc, text)) if (!exists(p)) missing.push(`${doc}: ${p}`);
  }
  expect(missing, 'paths named in the docs that are not in the repository (fix the doc, or the path)').toEqual([]);
});
