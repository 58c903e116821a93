// What each behaviour of the script tag costs: the gzip bytes the core (as /sdk.js serves it) and
// everything composed would shed if that behaviour's code were left out, each module's share of
// everything, and everything minified as one program. For deciding what a size budget can buy;
// nothing here is shipped. Run after `npm run build` in packages/sdk: `node scripts/costs.mjs`.
// Each behaviour is cut out of tsc's output (dist/) by a textual patch; one that no longer
// applies stops the run, so a figure never comes from a patch that missed.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const P = (file, from, to) => ({ file, from, to });
const BEHAVIOURS = {
  'declarative cart buttons': [P('script.js', 'cartButtons, ...F', '...F')],
  'click capture (all of it)': [P('script.js', 'clicks, cartButtons', 'cartButtons')],
  '  the selector path': [P('features/clicks.js', 'selector: selectorOf(el)', 'selector: ""')],
  '  the download attribute': [P('features/clicks.js', /kind: a\?\.hasAttribute[^\n]*\n/, '')],
  '  the skip of secret fields': [P('features/clicks.js', /if \(field && SECRET[^\n]*\n\s*return;/, '')],
  'page leave': [P('script.js', 'engagement, ', '')],
  'SPA pageviews': [P('script.js', 'pageviews, ', '')],
  'refund memory': [P('cart.js', /const key = [\s\S]*?emit\('refund'/, "emit('refund'")],
  'the 32 KiB guard': [P('core.js', 'fit({ ...e, ...identity.ids() })', '({ ...e, ...identity.ids() })')],
  'pending consent (consent sources)': [
    P('core.js', /if \(state === 'pending'\) \{[\s\S]*?\n {12}return;\n {8}\}/, 'if (state === "pending") return;'),
    P('core.js', '        lapse();\n', ''),
  ],
  'the outbox across pages': [
    P('delivery.js', /if \(store.persistent\(\)\)\n\s*store.set\([^\n]*/, ''),
    P('delivery.js', /safe\(\(\) => \(batches = prune[^\n]*/, ''),
  ],
  'backoff with Retry-After': [P('delivery.js', /retryDelay\(\(b\.n = [^;]*'Retry-After'\)\)/, '1000')],
  'the beacon at a hide': [P('delivery.js', 'hiding && navigator.onLine && size <= room && navigator.sendBeacon(url, body)', 'false')],
  'the cookie jar cache': [P('store.js', /\(now\(\) - jarAt < 1000 \? jar : \(\(jarAt = now\(\)\), \(jar = document\.cookie\)\)\)/, 'document.cookie')],
  'GPC/DNT': [P('core.js', /config\.respectGpc !== false && [^;]*/, 'false')],
  'the outbox write after answers': [P('delivery.js', ').then(save);', ');')],
  'Retry-After as an HTTP date': [P('backoff.js', '|| Date.parse(retryAfter) - nowMs ', '')],
  'back online, at once': [P('delivery.js', /on\('online'[\s\S]*?\n {4}\}\);/, '')],
  'the remembered grant': [P('core.js', /safe\(\(\) => localStorage\.spoor_consent\)\(\)/, 'false'), P('core.js', "store.set('consent', '1');", '')],
  'the webdriver flag': [P('delivery.js', 'webdriver: navigator.webdriver, ', '')],
};

const gzip = (s) => gzipSync(s, { level: 9 }).length;
const manifest = JSON.parse(readFileSync('dist/script/manifest.json', 'utf8'));
const [open, close] = manifest.wrap;
const part = (file) => readFileSync(`dist/script/${file}`, 'utf8');
const compose = (modules, core) => {
  const parts = [...new Set(modules.flatMap((m) => m.needs))].map((p) => part(`${p}.js`));
  return open + [...modules.map((m) => part(m.file)), ...parts, core].join(';') + close;
};
const core = configs[0];
const minify = (plugins) => plugins.concat(core.plugins.filter((p) => !['entry', 'keep', 'no-write', 'report'].includes(p.name)));

/** The core built from dist/ with `patches` applied. */
async function buildCore(patches) {
  const patch = {
    name: 'patch',
    load(id) {
      const mine = patches.filter((p) => id.endsWith(`/dist/${p.file}`));
      if (!mine.length) return null;
      let code = readFileSync(id, 'utf8');
      for (const p of mine) {
        const next = code.replace(p.from, p.to);
        if (next === code) throw new Error(`costs: the patch for ${p.file} (${p.from}) no longer applies`);
        code = next;
      }
      return code;
    },
  };
  const bundle = await rollup({ input: 'dist/script.js', plugins: minify([patch]), onwarn() {} });
  const { output } = await bundle.generate(core.output);
  return output[0].code.trim().replace(/;$/, '');
}

const full = await buildCore([]);
const coreSize = (c) => gzip(open + c + close);
const allSize = (c) => gzip(compose(manifest.modules, c));
console.log(`core (/sdk.js) ${coreSize(full)} B gzip, everything ${allSize(full)} B gzip`);
console.log('\nbehaviour                            core   everything  (gzip bytes saved without it)');
for (const [name, patches] of Object.entries(BEHAVIOURS)) {
  const c = await buildCore(patches);
  console.log(`${name.padEnd(36)} ${String(coreSize(full) - coreSize(c)).padStart(5)} ${String(allSize(full) - allSize(c)).padStart(12)}`);
}

console.log('\nmodule               its share of everything (gzip bytes saved without it)');
const all = allSize(full);
const alone = (m) =>
  all -
  gzip(
    compose(
      manifest.modules.filter((x) => x !== m),
      full,
    ),
  );
const modulesShare = all - coreSize(full);
let named = 0;
for (const m of manifest.modules) {
  const share = alone(m);
  named += share;
  console.log(`${m.name.padEnd(20)} ${String(share).padStart(5)}`);
}
console.log(`${'shared parts'.padEnd(20)} ${String(modulesShare - named).padStart(5)}  (what is left of the ${modulesShare} B the modules add)`);

// Everything as one program: the cost of composing parts rather than building each variant.
const names = manifest.modules.map((m) => m.name.replace(/-([a-z])/g, (_, c) => c.toUpperCase()));
const src =
  `import { boot } from './dist/boot.js'; import { pageviews } from './dist/features/pageviews.js'; import { clicks } from './dist/features/clicks.js';` +
  `import { engagement } from './dist/features/engagement.js'; import { cartButtons } from './dist/features/cart-buttons.js';` +
  manifest.modules.map((m, i) => `import { ${names[i]} } from './dist/modules/${m.name}.js';`).join('') +
  `boot([pageviews, engagement, clicks, cartButtons, ${names.join(', ')}]);`;
const entry = { name: 'one', resolveId: (id) => (id === '\0one' ? id : null), load: (id) => (id === '\0one' ? src : null) };
const one = await (await rollup({ input: '\0one', plugins: minify([entry]), onwarn() {} })).generate(core.output);
console.log(`\neverything minified as one program: ${gzip(one.output[0].code)} B gzip (composed: ${all} B)`);

// What moving the dataLayer dialects' mapping to the collector would leave (an estimate; nothing
// here is built into the script): the shared part keeps only the dataLayer reader, and `ga4` and
// `ua` become one forwarder of the ecommerce fields of each push (gtag's `event` commands, Tag
// Manager's and UA's `ecommerce`, classic `transaction*`) as they are, for the collector to map.
// It leaves out what the browser would still need for that design to be whole (the cart's lines
// after a dataLayer add, which cart events carry): a lower bound of what stays.
const FORWARDER = `import { command, tap } from './dist/modules/datalayer.js';
const KEYS = /^(event|ecommerce|transaction\\w*|currencyCode)$/;
export const forward = (core) => tap(core, (e) => {
  const c = command(e);
  const o = c ? c[0] === 'event' && core.config.ga4 !== false && { event: c[1], ecommerce: c[2] }
    : e && typeof e === 'object' && Object.fromEntries(Object.entries(e).filter(([k]) => KEYS.test(k)));
  if (o && (o.ecommerce || o.transactionId != null)) core.emit('datalayer', { push: o });
});`;
const custom = async (config, src, output) => {
  const load = { name: 'entry', resolveId: (id) => (id === '\0x' ? id : null), load: (id) => (id === '\0x' ? src : null) };
  const plugins = config.plugins.filter((p) => !['keep', 'no-write', 'report'].includes(p.name)).map((p) => (p.name === 'entry' ? load : p));
  const { output: out } = await (await rollup({ input: '\0x', plugins, onwarn() {} })).generate(output ?? config.output);
  return out[0].code.trim().replace(/;$/, '');
};
const byName = (n) => configs[['core', 'dl', ...manifest.modules.map((m) => m.name)].indexOf(n)];
const reader = await custom(byName('dl'), `import { command, tap } from './dist/modules/datalayer.js'; Object.assign(S, { tap, command });`);
const forwarder = await custom(byName('ga4'), `${FORWARDER} F.push(forward);`);
const kept = manifest.modules.filter((m) => m.name !== 'ga4' && m.name !== 'ua');
const served = open + [...kept.map((m) => part(m.file)), forwarder, reader, full].join(';') + close;
console.log(
  `everything with the dialects mapped by the collector: ${gzip(served)} B gzip (the reader ${gzip(reader)}, the forwarder ${gzip(forwarder)}; composed today: ${all} B)`,
);

// What the recommend module's slots (filling `data-spoor-recommend` elements, templates and the
// default list) weigh in everything: the module built with profile() and recommend() only.
const recommendSrc = readFileSync('dist/modules/recommend.js', 'utf8');
const slotless = recommendSrc.replace('const later = () => setTimeout(fill);', 'const later = () => 0;').replace(/\n {4}const el = [\s\S]*\n\};\n/, '\n};\n');
if (!slotless.includes('later = () => 0') || slotless.includes('const el =')) throw new Error('costs: the patch for the recommend slots no longer applies');
const apiOnly = await custom(
  byName('recommend'),
  slotless.replace(/^import .*$/gm, '').replace('export const recommend', 'const recommend') + 'F.push(recommend);',
);
const withoutSlots = manifest.modules.map((m) => (m.name === 'recommend' ? apiOnly : part(m.file)));
console.log(`the recommend slots: ${all - gzip(open + [...withoutSlots, ...manifest.parts.map((p) => part(p.file)), full].join(';') + close)} B of everything`);
