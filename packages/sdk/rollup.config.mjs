// The script tag, built from tsc's output in dist/: the core (dist/script/core.js) and one file per
// feature module (dist/script/<name>.js), each minified and held to its gzip budget, and the
// manifest the collector composes `/sdk.js?f=...` from at serve time (no file per combination).
// A composed script is `!function(__spoorF,__spoorS){<parts><modules><core>}([],{})`: each module
// pushes its feature onto __spoorF, and the core runs them after its own (src/script.ts). Code that
// several modules import (SHARED) is built once, as the internal part `dl`, which fills __spoorS;
// the modules that need it read it from there, and the collector adds it to any variant that
// lists one of them. The build fails on a bad modules.json, and when the core, a module, the
// shared part or everything together is over budget.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';

/** gzip bytes the build refuses to exceed, and issue 18's targets (printed beside each size). */
const BUDGET = { core: 5120, module: 1152, all: 8704 };
const TARGET = { core: 4096, module: 1024, all: 6144 };
const WRAP = ['!function(__spoorF,__spoorS){', '}([],{})'];
/** Files imported by several modules, built once into the internal part `dl`. */
const SHARED = ['modules/datalayer.js', 'modules/act.js', 'map/item.js'];
const PART = 'dl';
const OUT = 'dist/script';

const { modules } = JSON.parse(readFileSync('src/modules/modules.json', 'utf8'));
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
if (!Array.isArray(modules) || !modules.length) throw new Error('modules.json: "modules" must be a non-empty list of names');
for (const [i, name] of modules.entries()) {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new Error(`modules.json: ${JSON.stringify(name)} is not a module name (a-z, 0-9, "-")`);
  if (name === 'core' || modules.indexOf(name) !== i) throw new Error(`modules.json: "${name}" is reserved or listed twice`);
  if (!existsSync(`src/modules/${name}.ts`)) throw new Error(`modules.json: module "${name}" has no src/modules/${name}.ts`);
  if (!new RegExp(`export const ${camel(name)}\\b`).test(readFileSync(`src/modules/${name}.ts`, 'utf8'))) {
    throw new Error(`modules.json: src/modules/${name}.ts must export const ${camel(name)}`);
  }
}

const sizes = (code) => ({ raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, brotli: brotliCompressSync(code).length });
const built = {};

/** Each module's code is an entry that pushes its feature; the core's is src/script.ts. */
const entry = (name) => ({
  name: 'entry',
  resolveId: (id) => (id === `\0${name}` ? id : null),
  load: (id) =>
    id !== `\0${name}`
      ? null
      : name === 'core'
        ? `import './dist/script.js';`
        : name === PART
          ? SHARED.map((f) => `import { ${exportsOf(f).join(', ')} } from './dist/${f}';`).join('') +
            `Object.assign(__spoorS, { ${SHARED.flatMap(exportsOf).join(', ')} });`
          : `import { ${camel(name)} } from './dist/modules/${name}.js'; __spoorF.push(${camel(name)});`,
});
const shared = (id) => SHARED.some((f) => id.endsWith(`/dist/${f}`));
/** The names a shared file exports (tsc's output: `export function x` / `export const x`). */
const exportsOf = (f) => [...readFileSync(`dist/${f}`, 'utf8').matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]);
const needs = {};

const keep = (name) => ({
  name: 'keep',
  generateBundle(_o, bundle) {
    for (const f of Object.values(bundle)) {
      if (f.type !== 'chunk') continue;
      built[name] = f.code.trim().replace(/;$/, '');
      if (f.imports.length) needs[name] = [PART];
    }
  },
});

const report = {
  name: 'report',
  closeBundle() {
    const core = built.core;
    const rows = [['core', sizes(core), 'core'], [`${PART} (shared part)`, sizes(built[PART]), 'module']];
    for (const name of modules) rows.push([name, sizes(built[name]), 'module']);
    const all = WRAP[0] + [PART, ...modules].map((m) => built[m]).join(';') + ';' + core + WRAP[1];
    rows.push([`all (${modules.length} modules)`, sizes(all), 'all']);
    const over = [];
    for (const [name, s, kind] of rows) {
      const gap = s.gzip > TARGET[kind] ? `, ${s.gzip - TARGET[kind]} B over target` : '';
      console.log(`${name.padEnd(22)} ${String(s.raw).padStart(6)} B raw ${String(s.gzip).padStart(5)} B gzip ${String(s.brotli).padStart(5)} B brotli   (budget ${BUDGET[kind]}, target ${TARGET[kind]} B gzip${gap})`);
      if (s.gzip > BUDGET[kind]) over.push(`${name} is ${s.gzip} B gzip, over its ${BUDGET[kind]} B budget`);
    }
    if (over.length) throw new Error(over.join('; '));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${OUT}/core.js`, core);
    for (const name of [PART, ...modules]) writeFileSync(`${OUT}/${name}.js`, built[name]);
    const manifest = {
      wrap: WRAP,
      core: 'core.js',
      parts: [{ name: PART, file: `${PART}.js` }],
      modules: modules.map((name) => ({ name, file: `${name}.js`, needs: needs[name] ?? [] })),
    };
    writeFileSync(`${OUT}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
    // The plain script tag, for hosting without the collector's /sdk.js.
    writeFileSync('dist/spoor.js', WRAP[0] + core + WRAP[1]);
  },
};

const script = (name, last) => ({
  input: `\0${name}`,
  external: name === PART || name === 'core' ? [] : shared,
  output: { dir: `${OUT}/.tmp`, format: 'iife', strict: false, globals: (id) => (shared(id) ? '__spoorS' : id) },
  // Nothing is written by rollup itself: `report` writes the files once every budget is met.
  plugins: [
    entry(name),
    terser({
      ecma: 2020,
      compress: { passes: 3, unsafe_arrows: true, unsafe: true, unsafe_methods: true, pure_getters: true, toplevel: true },
      mangle: { properties: false },
      format: { comments: false },
    }),
    keep(name),
    { name: 'no-write', generateBundle: (_o, b) => { for (const k of Object.keys(b)) delete b[k]; } },
    ...(last ? [report] : []),
  ],
  onwarn(w, warn) {
    // __spoorF is the composing wrapper's parameter, a global as far as rollup can tell.
    if (w.code !== 'MISSING_GLOBAL_NAME') warn(w);
  },
});

export default ['core', PART, ...modules].map((name, i, all) => script(name, i === all.length - 1));
