// The page's own static files, served by the admin app itself (no CDN): the bundled uPlot (npm,
// MIT) for charts, admin.js (charts from tables, the builder's live preview) and admin.css.
// Public like any stylesheet: they hold no data.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** apps/admin/assets, from dist/routes/. */
export const ASSETS_DIR = resolve(here, '../../assets');

interface Asset {
  body: string;
  type: string;
  etag: string;
}

function load(path: string, type: string): Asset {
  const body = readFileSync(path, 'utf8');
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

export function assetRoutes(app: Hono) {
  const uplot = dirname(require.resolve('uplot/package.json'));
  const assets: Record<string, Asset> = {
    'uplot.js': load(resolve(uplot, 'dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'),
    'uplot.css': load(resolve(uplot, 'dist/uPlot.min.css'), 'text/css; charset=utf-8'),
    'admin.js': load(resolve(ASSETS_DIR, 'admin.js'), 'text/javascript; charset=utf-8'),
    'admin.css': load(resolve(ASSETS_DIR, 'admin.css'), 'text/css; charset=utf-8'),
  };
  app.get('/admin/assets/:file', (c) => {
    const file = c.req.param('file');
    const a = Object.hasOwn(assets, file) ? assets[file] : undefined;
    if (!a) return c.text('not found', 404);
    c.header('ETag', a.etag);
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    if (c.req.header('if-none-match') === a.etag) return c.body(null, 304);
    c.header('Content-Type', a.type);
    return c.body(a.body);
  });
}
