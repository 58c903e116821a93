// The script tag, built from tsc's output in dist/: the core (dist/script/core.js) and one file per
// feature module (dist/script/<name>.js), each minified and held to its gzip budget, and the
// manifest the collector composes `/sdk.js?f=...` from at serve time (no file per combination).
// A composed script is `!function(F,S){<modules><parts><core>}([],{})`: each module pushes its
// feature onto F, and the core runs them after its own (src/script.ts). Code that several modules
// import (SHARED) is built once, as the internal part `dl`, which fills S;
// the modules that need it read it from there, and the collector adds it to any variant that
// lists one of them, after the modules and beside the core, whose code it resembles most (gzip
// finds more of its strings near): a module reads S only when its feature runs, never while it
// is composed, which the build checks by running each module's code against an S that throws. The core is bare statements in the wrapper's function (no IIFE of its own):
// parts and modules are each one expression that declares nothing there, and the core's
// top-level names are mangled to at most two letters, which no browser global has, so no
// module can read one of them instead of a global. The build fails on a bad modules.json, and when the core, a module, the
// shared part or everything together is over budget.
import { runInNewContext } from 'node:vm';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';

/**
 * gzip bytes the build refuses to exceed, and issue 18's targets (printed beside each size). Every
 * module meets its target, so that is its budget; the core and everything together do not yet
 * (see README "Size"), so theirs are ceilings just above what they are, which stop growth.
 */
const BUDGET = { core: 4096, module: 1024, all: 7104 };
const TARGET = { core: 4096, module: 1024, all: 6144 };
/** One-letter names, as in every part; the minifier is told never to name anything else so. */
const WRAP = ['!function(F,S){', '}([],{})'];
/**
 * Property names internal to the script (the hooks modules use, the store, delivery and identity
 * objects, the shared part's exports), each mangled to one letter, the same in every part: a
 * fixed map, so parts minified apart still agree. None is a name the page, the wire, storage or
 * the public API sees; the letters are ones no such name uses (a batch's i/t/e/n/w, the stub's q).
 */
const INTERNAL =
  'on safe config emit pageview onPage onHide api tap persistent persist forget del ids visitor hide adopt command act amount currencyOf toItem toOrder signal base renew textOf listOf'.split(
    ' ',
  );
const LETTERS = 'abcdfghjklmoprsuvxyzABCDEFGH';
export const mangleProps = {
  regex: new RegExp(`^(${INTERNAL.join('|')})$`),
  builtins: true, // only the names above are candidates: a DOM property of the same name is never renamed
  cache: { props: new Map(INTERNAL.map((n, i) => [n, LETTERS[i]])) },
};
/** Files imported by several modules, built once into the internal part `dl`. */
const SHARED = ['modules/datalayer.js', 'modules/act.js', 'map/item.js'];
const PART = 'dl';
const OUT = 'dist/script';

const { modules } = JSON.parse(readFileSync('src/modules/modules.json', 'utf8'));
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
if (!Array.isArray(modules) || !modules.length) throw new Error('modules.json: "modules" must be a non-empty list of names');
for (const [i, name] of modules.entries()) {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(name))
    throw new Error(`modules.json: ${JSON.stringify(name)} is not a module name (a-z, 0-9, "-")`);
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
            `Object.assign(S, { ${SHARED.flatMap(exportsOf).join(', ')} });`
          : `import { ${camel(name)} } from './dist/modules/${name}.js'; F.push(${camel(name)});`,
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
    // The core as /sdk.js serves it: inside the composing wrapper.
    const rows = [
      ['core (/sdk.js)', sizes(WRAP[0] + core + WRAP[1]), 'core'],
      [`${PART} (shared part)`, sizes(built[PART]), 'module'],
    ];
    for (const name of modules) rows.push([name, sizes(built[name]), 'module']);
    const all = WRAP[0] + [...modules, PART].map((m) => built[m]).join(';') + ';' + core + WRAP[1];
    rows.push([`all (${modules.length} modules)`, sizes(all), 'all']);
    // A part minified without the map would still say `.config`, and no longer agree with the rest.
    const unmangled = new RegExp(`\\.(${INTERNAL.join('|')})\\b`);
    for (const [name, code] of Object.entries(built))
      if (unmangled.test(code)) throw new Error(`${name}: internal property ${code.match(unmangled)[0]} was not mangled`);
    const untouchable = new Proxy(
      {},
      {
        get: (_t, k) => {
          throw new Error(`reads S.${String(k)} while composed`);
        },
      },
    );
    for (const name of modules) {
      try {
        runInNewContext(built[name], { F: [], S: untouchable });
      } catch (e) {
        throw new Error(`${name}: ${e.message} (modules may read the shared part only once their feature runs)`);
      }
    }
    for (const node of this.parse(core).body) {
      const ids = node.type === 'FunctionDeclaration' ? [node.id] : node.type === 'VariableDeclaration' ? node.declarations.map((d) => d.id) : [];
      for (const id of ids)
        if (id.type !== 'Identifier' || id.name.length > 2) throw new Error(`core: top-level name ${id.name ?? id.type} is not a short mangled name`);
      if (!ids.length && node.type !== 'ExpressionStatement') throw new Error(`core: unexpected top-level ${node.type}`);
    }
    const over = [];
    for (const [name, s, kind] of rows) {
      const gap = s.gzip > TARGET[kind] ? `, ${s.gzip - TARGET[kind]} B over target` : '';
      console.log(
        `${name.padEnd(22)} ${String(s.raw).padStart(6)} B raw ${String(s.gzip).padStart(5)} B gzip ${String(s.brotli).padStart(5)} B brotli   (budget ${BUDGET[kind]}, target ${TARGET[kind]} B gzip${gap})`,
      );
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

/**
 * `const` declarations become `let` after minifying (before, the minifier would inline less), and
 * a `let` that follows another in the same block joins it (`let a=1;let b=2` → `let a=1,b=2`):
 * the two kinds scope and hoist alike, tsc already refuses any assignment to a const, and joined
 * declarations run in the same order, so only bytes change.
 */
const letDeclarations = {
  name: 'let',
  renderChunk(code) {
    const edits = []; // [start, end, text], never overlapping
    const isDecl = (n) => n?.type === 'VariableDeclaration' && n.kind !== 'var';
    const walk = (node) => {
      if (!node || typeof node.type !== 'string') return;
      if (isDecl(node) && node.kind === 'const') edits.push([node.start, node.start + 5, 'let']);
      for (const list of [node.body, node.consequent]) {
        if (!Array.isArray(list)) continue;
        for (let i = 1; i < list.length; i++) {
          if (isDecl(list[i - 1]) && isDecl(list[i])) {
            const gap = [list[i - 1].declarations.at(-1).end, list[i].declarations[0].start];
            if (!/^;(let|const) ?$/.test(code.slice(...gap))) throw new Error(`let: unexpected ${code.slice(...gap)}`);
            edits.push([...gap, ',']);
          }
        }
      }
      for (const v of Object.values(node)) for (const child of Array.isArray(v) ? v : [v]) if (child && typeof child === 'object') walk(child);
    };
    walk(this.parse(code));
    let out = code;
    // A joined declaration's own keyword falls inside its gap: the gap's edit wins.
    const gaps = edits.filter((e) => e[2] === ',');
    const kept = edits.filter((e) => e[2] === ',' || !gaps.some((g) => g[0] < e[0] && e[0] < g[1]));
    for (const [start, end, text] of kept.sort((x, y) => y[0] - x[0])) out = out.slice(0, start) + text + out.slice(end);
    return { code: out, map: null };
  },
};

/**
 * In a module's build, every shared file is one external import, the part `dl` as the wrapper's
 * `S`: one parameter for the module's function, whatever shared files it reads.
 */
const SHARED_ID = '\0shared';
const sharedImports = {
  name: 'shared',
  async resolveId(id, importer) {
    if (!importer || id.startsWith('\0')) return null;
    const r = await this.resolve(id, importer, { skipSelf: true });
    return r && shared(r.id) ? { id: SHARED_ID, external: true } : null;
  },
};

/**
 * The wire limits come from @spoor/events' zod-free subpath: each `LIMITS.<name>` the SDK reads is
 * written in as its number (so only those used are shipped, and no object is), and a name the
 * contract does not have fails the build.
 */
const WIRE = '@spoor/events/limits';
const { LIMITS } = await import(WIRE);
const wireLimits = {
  name: 'wire-limits',
  resolveId: (id) => (id === WIRE ? fileURLToPath(import.meta.resolve(WIRE)) : null),
  transform(code, id) {
    if (id.includes('/packages/events/')) return null;
    return code.replace(/\bLIMITS\.(\w+)/g, (_, k) => {
      if (typeof LIMITS[k] !== 'number') throw new Error(`${id}: LIMITS.${k} is not a wire limit`);
      return String(LIMITS[k]);
    });
  },
};

const script = (name, last) => ({
  input: `\0${name}`,
  output: { dir: `${OUT}/.tmp`, format: name === 'core' ? 'es' : 'iife', strict: false, globals: { [SHARED_ID]: 'S' } },
  // Nothing is written by rollup itself: `report` writes the files once every budget is met.
  plugins: [
    ...(name === PART || name === 'core' ? [] : [sharedImports]),
    wireLimits,
    entry(name),
    terser({
      ecma: 2020,
      compress: { passes: 3, unsafe_arrows: true, unsafe: true, pure_getters: true, toplevel: true, hoist_funs: true },
      mangle: { reserved: ['F', 'S'], toplevel: name === 'core', properties: mangleProps },
      format: { comments: false },
    }),
    letDeclarations,
    keep(name),
    {
      name: 'no-write',
      generateBundle: (_o, b) => {
        for (const k of Object.keys(b)) delete b[k];
      },
    },
    ...(last ? [report] : []),
  ],
  onwarn(w, warn) {
    // F is the composing wrapper's parameter, a global as far as rollup can tell.
    if (w.code !== 'MISSING_GLOBAL_NAME') warn(w);
  },
});

export default ['core', PART, ...modules].map((name, i, all) => script(name, i === all.length - 1));
