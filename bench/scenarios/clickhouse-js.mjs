// The official clickhouse-js integration suite run against the ClickHouse HTTP interface
// (@spoor/clickhouse-http on the embedded engine), with the @clickhouse/client installed here:
// passed, failed and skipped counts, and every failing test with the engine's or the protocol's
// reason. Opt-in (`npm run bench -- clickhouse-js`): it needs a checkout of the suite and port 8123.
//
// The checkout is not part of Spoor. CLICKHOUSE_JS_DIR names it (default: a `clickhouse-js-suite`
// folder beside this repository): a clone of github.com/ClickHouse/clickhouse-js, or any folder
// holding its `packages/client-common/__tests__` and `packages/client-node/__tests__` trees, with
// the suite's own test dependencies installed in it. The suite's sources are used as they are:
// its `@clickhouse/client-common`, `@clickhouse/client-node` and `../../src` imports are pointed at
// this repository's installed @clickhouse/client, and the globals of its older jasmine-era files
// (expectAsync, jasmine.objectContaining, xit…) are given by a small shim on vitest's expect.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { start, tempDir } from '../lib/processes.mjs';

export const title = 'ClickHouse HTTP interface: the official clickhouse-js integration suite';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const clientDir = join(root, 'node_modules/@clickhouse/client');
// The suite's test client is fixed to http://127.0.0.1:8123, user `default`, no password.
const PORT = 8123;
const SUITE_DEPS = 'uuid split2 @faker-js/faker apache-arrow parquet-wasm@0.6.1';

/**
 * The suite's tests this interface fails, each with its reason: `engine` where the embedded engine
 * (or a bound the interface keeps) differs from a single-node server, `client` where the test
 * cannot pass with the installed @clickhouse/client against a server either (not applicable).
 * docs/OPERATIONS.md ("The ClickHouse HTTP interface") lists them for operators. Matched on
 * "file › test name"; a failure matching none is a regression.
 */
const EXPECTED = [
  [
    /read_only_user\.test/,
    'engine',
    "the embedded engine has no access control: CREATE USER and GRANT are refused (ACCESS_DENIED), so the fixture cannot make its read-only user; the interface's users are its own configuration (spoor up's read-only analyst)",
  ],
  [/role\.test/, 'engine', 'the embedded engine has no access control: CREATE ROLE and GRANT are refused (ACCESS_DENIED), and no role can be set'],
  [/query_log\.test/, 'engine', 'the embedded engine keeps no system.query_log (UNKNOWN_TABLE)'],
  [
    /JSONEachRowWithProgress/,
    'engine',
    'the embedded engine writes JSONEachRowWithProgress progress rows where its local progress callback fires (after the blocks, differently from run to run), not ahead of each block as a server does; and the format is answered whole, so an exception is an HTTP 500 rather than an exception row',
  ],
  [
    /invalid_string_length\.test/,
    'engine',
    "JSON is answered whole (the engine renders each streamed chunk as a JSON document of its own), bounded to 256 MiB: the 50-million-row answer is refused with 396 (Limit for result exceeded) where a server streams 1 GB until the client's string overflows",
  ],
  [
    /node_select_streaming\.test.* consume a (text|stream) response only once/,
    'client',
    'written for an older client: @clickhouse/client 1.23 refuses json() on TabSeparated ("Cannot decode TabSeparated as JSON") before it checks that the stream was consumed, against a server too',
  ],
  [
    /node_streaming_exception\.test/,
    'client',
    'with output_format_csv_crlf_end_of_line=1 every row ends in \\r\\n, which client 1.23.1 takes for the start of the mid-stream exception block as soon as the answer carries X-ClickHouse-Exception-Tag, as servers from 25.11 (and this interface) send; later clients check the whole frame',
  ],
];

const VITEST_SHIM = `// jasmine's globals on vitest's expect, for the suite's older files.
import { describe, expect, it } from 'vitest'
const g = globalThis
g.xit = it.skip
g.xdescribe = describe.skip
// Focused tests run like the others: the whole suite is wanted, not one test.
g.fit = it
g.fdescribe = describe
g.jasmine = {
  DEFAULT_TIMEOUT_INTERVAL: 120_000,
  objectContaining: expect.objectContaining,
  stringMatching: expect.stringMatching,
  stringContaining: expect.stringContaining,
  arrayContaining: expect.arrayContaining,
  any: expect.any,
  anything: expect.anything,
}
g.expectAsync = (p) => ({
  toBeRejectedWith: (m) => expect(p).rejects.toEqual(m),
  toBeRejectedWithError: () => expect(p).rejects.toBeInstanceOf(Error),
  toBeRejected: () => p.then(() => { throw new Error('expected a rejection') }, () => undefined),
  toBeResolved: () => p.then(() => undefined),
})
expect.extend({
  nothing: () => ({ pass: true, message: () => '' }),
  // jasmine's toContain compares items by value (vitest's by identity); the older files rely on it.
  toContain(received, item) {
    const pass = typeof received === 'string' ? received.includes(item) : Array.from(received ?? []).some((x) => this.equals(x, item))
    return { pass, message: () => \`expected \${this.utils.printReceived(received)} \${pass ? 'not ' : ''}to contain \${this.utils.printExpected(item)}\` }
  },
})
`;

const CLIENT_SETUP = `import { createClient } from '@clickhouse/client-node'
globalThis.environmentSpecificCreateClient = createClient
`;

function suiteDir() {
  return resolve(process.env.CLICKHOUSE_JS_DIR ?? join(root, '..', 'clickhouse-js-suite'));
}

function howToObtain(dir) {
  return [
    `no clickhouse-js checkout at ${dir} (set CLICKHOUSE_JS_DIR): skipped.`,
    'To run it: git clone https://github.com/ClickHouse/clickhouse-js (the tag of the installed client, e.g. 1.23.1)',
    `into that folder (or point CLICKHOUSE_JS_DIR at one), then inside it: npm install --no-save ${SUITE_DEPS};`,
    'then `npm run bench -- clickhouse-js` with port 8123 free.',
  ].join('\n  ');
}

function portFree(port) {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/** The interface on the package directly: one writer user `default` with no password, as the suite's server has. */
async function startInterface() {
  const dataDir = tempDir('chjs');
  const url = (p) => pathToFileURL(join(root, p)).href;
  const script = `
    const { openWarehouse } = await import(${JSON.stringify(url('packages/warehouse/dist/index.js'))});
    const { startHttpInterface } = await import(${JSON.stringify(url('packages/clickhouse-http/dist/index.js'))});
    const wh = await openWarehouse({ dataDir: ${JSON.stringify(dataDir)}, maxEngineMemoryBytes: 8 * 1024 ** 3 });
    const srv = await startHttpInterface(wh, { port: ${PORT}, users: [{ name: 'default', password: '' }] });
    console.log('interface ready on ' + srv.port);
    process.once('SIGTERM', async () => { await srv.close(); await wh.close(); process.exit(0); });
  `;
  const proc = start(process.execPath, ['--input-type=module', '-e', script], {
    env: { UV_THREADPOOL_SIZE: '48' },
    ready: 'interface ready',
    timeoutMs: 120_000,
  });
  await proc.started;
  return {
    output: proc.output,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function vitestConfig(dir, work, quick) {
  const common = join(dir, 'packages/client-common/__tests__');
  const dist = join(clientDir, 'dist');
  // CLICKHOUSE_JS_FILES (globs under packages/, space-separated) reruns part of the suite.
  const include = process.env.CLICKHOUSE_JS_FILES
    ? process.env.CLICKHOUSE_JS_FILES.trim().split(/\s+/)
    : quick
      ? ['client-common/__tests__/integration/{ping,select,insert}.test.ts']
      : ['client-common/__tests__/integration/*.test.ts', 'client-node/__tests__/integration/*.test.ts'];
  const q = (v) => JSON.stringify(v);
  const aliases = [
    [/^vitest$/, join(root, 'node_modules/vitest/dist/index.js')],
    [/^@clickhouse\/client-common$/, join(dist, 'common/index.js')],
    [/^@clickhouse\/client(-node)?$/, join(dist, 'index.js')],
    [/^@test$/, common],
    [/^@test\/(.*)$/, `${common}/$1`],
    // The node tests' own-source imports (../../src, ../../src/utils…) are the installed build's.
    [/^(?:\.\.\/)+src$/, join(dist, 'index.js')],
    [/^(?:\.\.\/)+src\/(.*)$/, `${dist}/$1`],
  ];
  writeFileSync(join(work, 'jasmine-shim.mjs'), VITEST_SHIM);
  writeFileSync(join(work, 'client-setup.mjs'), CLIENT_SETUP);
  const file = join(work, 'vitest.config.mjs');
  writeFileSync(
    file,
    `export default {
  test: {
    root: ${q(join(dir, 'packages'))},
    include: ${q(include)},
    globals: true,
    testTimeout: 120000,
    hookTimeout: 120000,
    maxWorkers: 3,
    setupFiles: ${q([join(work, 'jasmine-shim.mjs'), join(work, 'client-setup.mjs')])},
    reporters: ['dot', 'json'],
    outputFile: { json: ${q(join(work, 'results.json'))} },
  },
  resolve: {
    alias: [
${aliases.map(([re, to]) => `      { find: ${re}, replacement: ${q(to)} },`).join('\n')}
    ],
  },
}
`,
  );
  return file;
}

/** Runs vitest on the suite to its end; its JSON report is the result, whatever the exit code. */
function runVitest(config, cwd) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], {
      cwd,
      env: { ...process.env, CLICKHOUSE_TEST_ENVIRONMENT: 'local_single_node', LOG_LEVEL: 'OFF' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (d) => {
      process.stdout.write(d);
      tail = (tail + d).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // Bounded: the suite's slowest tests take seconds; a hung run is ended.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
    child.once('error', fail);
    child.once('exit', () => {
      clearTimeout(timer);
      done(tail);
    });
  });
}

/** The suite as vitest's JSON report gives it: one entry per test, with its file and first error line. */
function readResults(file, dir) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const tests = [];
  for (const f of report.testResults ?? []) {
    const name = relative(join(dir, 'packages'), f.name);
    // A failed file none of whose tests failed failed outside them (an import, a beforeAll): vitest
    // marks the tests it then never ran as skipped, but they failed.
    const results = f.assertionResults ?? [];
    const fileError =
      f.status === 'failed' && !results.some((t) => t.status === 'failed')
        ? firstLine(f.message) || 'a hook of the file failed (the run output above has the error)'
        : '';
    if (results.length === 0 && fileError) tests.push({ file: name, name: '(file)', status: 'failed', error: fileError });
    for (const t of results) {
      const notRun = fileError && t.status !== 'passed';
      tests.push({
        file: name,
        name: t.fullName ?? t.title,
        status: notRun ? 'failed' : t.status,
        error: notRun ? `not run: ${fileError}` : firstLine(t.failureMessages?.[0]),
      });
    }
  }
  return tests;
}

function firstLine(text) {
  return (
    (text ?? '')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

function expectation(t) {
  const hit = EXPECTED.find(([re]) => re.test(`${t.file} › ${t.name}`));
  return hit ? { kind: hit[1], reason: hit[2] } : undefined;
}

/** One note per file and reason: "file (n tests): reason". */
function grouped(tests, label) {
  const groups = new Map();
  for (const t of tests) {
    const key = `${t.file}\u0000${label(t)}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((ts) => `${ts[0].file} (${ts.length} test${ts.length > 1 ? 's' : ''}): ${label(ts[0])}`);
}

export async function run(ctx) {
  const dir = suiteDir();
  if (!existsSync(join(dir, 'packages/client-common/__tests__/integration'))) {
    return { skipped: howToObtain(dir) };
  }
  if (!existsSync(join(clientDir, 'dist/index.js'))) throw new Error('@clickhouse/client is not installed (npm install)');
  if (!(await portFree(PORT))) throw new Error(`port ${PORT} is taken: the suite's test client is fixed to http://127.0.0.1:${PORT}; stop what listens there`);
  const clientVersion = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')).version;

  const work = mkdtempSync(join(tmpdir(), 'spoor-bench-chjs-run-'));
  const iface = await startInterface();
  let tests;
  try {
    const config = vitestConfig(dir, work, ctx.quick);
    // The suite reads its fixtures by paths relative to the checkout.
    const tail = await runVitest(config, dir);
    if (!existsSync(join(work, 'results.json'))) throw new Error(`the suite produced no report:\n${tail}`);
    // CLICKHOUSE_JS_REPORT keeps vitest's own JSON report of the run.
    if (process.env.CLICKHOUSE_JS_REPORT) copyFileSync(join(work, 'results.json'), process.env.CLICKHOUSE_JS_REPORT);
    tests = readResults(join(work, 'results.json'), dir);
  } finally {
    await iface.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const count = (s) => tests.filter((t) => s.includes(t.status)).length;
  const failed = tests.filter((t) => t.status === 'failed');
  const engine = failed.filter((t) => expectation(t)?.kind === 'engine');
  const client = failed.filter((t) => expectation(t)?.kind === 'client');
  const unexpected = failed.filter((t) => !expectation(t));
  const runnable = count(['passed', 'failed']) - client.length;
  for (const t of tests.filter((x) => x.status !== 'passed' && x.status !== 'failed')) console.log(`  skipped  ${t.file} › ${t.name}`);
  for (const t of failed)
    console.log(`  ${expectation(t)?.kind ?? 'FAILED'}`.padEnd(10) + ` ${t.file} › ${t.name}\n           ${expectation(t)?.reason ?? t.error}`);
  return {
    figures: [
      { what: 'tests passed', value: String(count(['passed'])), unit: 'tests' },
      { what: 'tests failed', value: String(failed.length), unit: 'tests' },
      { what: '  of them: engine-side, listed with the reason', value: String(engine.length), unit: 'tests' },
      { what: '  of them: not applicable with the installed client', value: String(client.length), unit: 'tests' },
      { what: 'tests skipped by the suite (xit, cloud/cluster only)', value: String(count(['skipped', 'pending', 'todo'])), unit: 'tests' },
      { what: 'passed of those a server passes with this client', value: runnable ? (100 * count(['passed'])) / runnable : 0, unit: '%' },
      { what: 'failures without a listed reason', value: String(unexpected.length), unit: 'tests', target: '0', met: unexpected.length === 0 },
    ],
    notes: [
      `Suite: ${dir} (CLICKHOUSE_JS_DIR), ${tests.length} tests in ${new Set(tests.map((t) => t.file)).size} files, run with the installed @clickhouse/client ${clientVersion} against @spoor/clickhouse-http on a fresh embedded engine (user \`default\`, no password, port ${PORT}). A file whose beforeAll failed counts its tests as failed (vitest reports them skipped).`,
      ...grouped(engine, (t) => `engine-side: ${expectation(t).reason}`),
      ...grouped(client, (t) => `not applicable: ${expectation(t).reason}`),
      ...unexpected.map((t) => `**failed**: ${t.file} › ${t.name}: ${t.error}`),
    ],
  };
}
