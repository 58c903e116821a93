// Results: one JSON file per scenario in bench/results, and docs/BENCHMARKS.md rendered from all
// of them (a partial run refreshes only its own scenarios; each section says when it was measured).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = join(root, 'bench/results');
const doc = join(root, 'docs/BENCHMARKS.md');

/**
 * A figure: `{ what, value: {median,min,max,runs} | number | string, unit, target?, met? }`.
 * A scenario result: `{ scenario, title, date, command, machine, figures, notes }`.
 */
export function save(result) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${result.scenario}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

export function fmt(n, unit = '') {
  if (typeof n === 'string') return n;
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const s = abs >= 100 ? Math.round(n).toLocaleString('en-US') : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

function cells(f) {
  const v = f.value;
  const median = typeof v === 'object' && v !== null ? fmt(v.median) : fmt(v);
  const range = typeof v === 'object' && v !== null && v.runs > 1 ? `${fmt(v.min)} – ${fmt(v.max)}` : '';
  const verdict = f.met === undefined ? '' : f.met ? 'met' : '**missed**';
  return [f.what, median, range, f.unit ?? '', f.target ?? '', verdict];
}

export function table(figures) {
  const rows = [['figure', 'median', 'min – max', 'unit', 'target', ''], ...figures.map(cells)];
  return rows.map((r, i) => `| ${r.join(' | ')} |${i === 0 ? `\n|${r.map(() => ' --- ').join('|')}|` : ''}`).join('\n');
}

export function printResult(result) {
  const widths = [44, 14, 24, 10];
  console.log(`\n${result.title}`);
  for (const f of result.figures) {
    const [what, median, range, unit, target, verdict] = cells(f);
    console.log(`  ${what.padEnd(widths[0])} ${median.padStart(widths[1])} ${range.padStart(widths[2])} ${unit.padEnd(widths[3])} ${target} ${verdict}`);
  }
  for (const n of result.notes ?? []) console.log(`  note: ${n}`);
}

export function renderDoc() {
  const results = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
    .sort((a, b) => (a.order ?? 99) - (b.order ?? 99));
  const latest = results.reduce((a, b) => (a.date > b.date ? a : b), results[0]);
  const m = latest?.machine ?? {};
  const out = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (all scenarios) or `npm run bench -- NAME` (one); this file is',
    'rewritten from `bench/results/*.json` on every run. Each figure is the median of several runs',
    'with their min – max. These machines are shared and noisy, so absolute numbers drift: compare',
    'the ratios against the baselines measured side by side in the same run.',
    '',
    `Latest run: ${latest?.date ?? '–'} on ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}.`,
    '',
  ];
  for (const r of results) {
    // Hosts differ between sessions: each section names the one it was measured on.
    const on = r.machine?.cpu ? ` on ${r.machine.cores} cores (${r.machine.cpu})` : '';
    out.push(`## ${r.title}`, '', `Measured ${r.date}${on} with \`${r.command}\`.`, '', table(r.figures), '');
    if (r.notes?.length) out.push(...r.notes.map((n) => `- ${n}`), '');
  }
  writeFileSync(doc, `${out.join('\n').trimEnd()}\n`);
}
