// Three builds: the script tag (IIFE, minified, size-checked), its light variant without the
// optional capture features, and the ESM module for bundlers.
import { brotliCompressSync, gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

/** The script tag must stay small: the build fails above this many gzip bytes. */
const GZIP_BUDGET = Number(process.env.SPOOR_GZIP_BUDGET) || 5120;

function sizeBudget() {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const raw = Buffer.byteLength(file.code);
        const gzip = gzipSync(file.code, { level: 9 }).length;
        const brotli = brotliCompressSync(file.code).length;
        console.log(`${file.fileName}: ${raw} B raw, ${gzip} B gzip, ${brotli} B brotli (budget ${GZIP_BUDGET} B gzip)`);
        if (gzip > GZIP_BUDGET) this.error(`${file.fileName} is ${gzip} B gzip, over the ${GZIP_BUDGET} B budget`);
      }
    },
  };
}

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: undefined, noEmitOnError: true });

const script = (input, file) => ({
  input,
  output: { file, format: 'iife', sourcemap: false, strict: false },
  plugins: [
    ts(),
    terser({
      ecma: 2020,
      compress: { passes: 3, unsafe_arrows: true, unsafe: true, pure_getters: true, toplevel: true },
      mangle: { properties: false },
      format: { comments: false },
    }),
    sizeBudget(),
  ],
});

export default [
  script('src/script.ts', 'dist/spoor.js'),
  script('src/script-lite.ts', 'dist/spoor.lite.js'),
  {
    input: 'src/index.ts',
    output: { file: 'dist/index.js', format: 'es' },
    plugins: [ts()],
  },
];
