#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs the benchmark scenarios, prints their figures and rewrites
// docs/BENCHMARKS.md. BENCH_RUNS sets the repeats (default 3); BENCH_QUICK=1 shortens every
// load phase to check the harness itself, not to measure. OPT_IN scenarios run only when named.
import { machine } from './lib/machine.mjs';
import { printResult, renderDoc, save } from './lib/report.mjs';

const SCENARIOS = ['sdk', 'collector', 'e2e', 'analyst', 'warehouse', 'segments', 'predict', 'import', 'recommend', 'personalization'];
// Heavy, or needing something outside the repository (clickhouse-js: a checkout of its suite).
const OPT_IN = ['clickhouse-js'];
const ALL = [...SCENARIOS, ...OPT_IN];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !ALL.includes(a));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : SCENARIOS;
const ctx = {
  runs: Number(process.env.BENCH_RUNS ?? 3),
  quick: process.env.BENCH_QUICK === '1',
};

let failed = false;
for (const name of names) {
  const scenario = await import(`./scenarios/${name}.mjs`);
  console.log(`\n== ${scenario.title} (${ctx.runs} runs${ctx.quick ? ', quick' : ''})`);
  const started = Date.now();
  try {
    const { figures, notes = [], skipped } = await scenario.run(ctx);
    if (skipped) {
      console.log(`  skipped: ${skipped}`);
      continue;
    }
    const result = {
      scenario: name,
      order: ALL.indexOf(name),
      title: scenario.title,
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      command: `npm run bench -- ${name}${ctx.quick ? ' (BENCH_QUICK=1)' : ''}`,
      machine: machine(),
      figures,
      notes: [...notes, `took ${Math.round((Date.now() - started) / 1000)} s`],
    };
    printResult(result);
    if (!ctx.quick) save(result);
  } catch (err) {
    failed = true;
    console.error(`${name} failed: ${err.stack ?? err}`);
  }
}
if (!ctx.quick) renderDoc();
process.exit(failed ? 1 : 0);
