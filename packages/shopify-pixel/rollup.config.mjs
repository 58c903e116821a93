// The pixel as Shopify's sandbox runs it: one self-contained script calling the sandbox's
// `shopify.extend('WebPixel::Render', ...)` (what `register` from @shopify/web-pixels-extension
// does; the Shopify CLI bundles the same way), built from tsc's output.
import terser from '@rollup/plugin-terser';

export default {
  input: 'dist/index.js',
  output: { file: 'dist/pixel.js', format: 'iife', strict: false },
  plugins: [terser({ ecma: 2020, format: { comments: false } })],
};
