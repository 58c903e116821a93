// GET /sdk.js[?f=ga4,consent-mode][&v=VERSION]: the script tag, with the feature modules asked for,
// composed at serve time (sdk-bundle.ts). The versioned URL (named by Content-Location) is
// immutable and cached for a year; any other spelling is cached briefly and revalidated with the
// ETag. Unknown module names get a 400 that says which names exist.
import type { Context, Hono } from 'hono';
import type { SdkBundle } from '../sdk-bundle.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The unversioned URL is what site owners paste: short, so an upgrade reaches their pages within the hour. */
const SHORT = 'public, max-age=3600, stale-while-revalidate=86400';

/** Whether an If-None-Match header names this ETag (weak or strong, in a list, or `*`). */
const matches = (header: string | undefined, etag: string) =>
  !!header && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);

function encoding(c: Context): 'br' | 'gzip' | undefined {
  const accept = c.req.header('accept-encoding') ?? '';
  return /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : undefined;
}

export function sdkRoute(app: Hono, bundle: SdkBundle | undefined) {
  app.get('/sdk.js', (c) => {
    if (!bundle) return c.text('// Spoor SDK not built: run npm run build', 503);
    const found = bundle.variant(c.req.query('f'));
    if (!found.ok) {
      c.header('Cache-Control', 'no-store');
      return c.text(`// Spoor: ${found.message}\n`, 400, { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    const v = found.variant;
    c.header('ETag', v.etag);
    c.header('Cache-Control', c.req.query('v') === v.version ? IMMUTABLE : SHORT);
    c.header('Content-Location', v.url);
    c.header('Vary', 'Accept-Encoding');
    c.header('X-Content-Type-Options', 'nosniff');
    if (matches(c.req.header('if-none-match'), v.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    const enc = encoding(c);
    if (!enc) return c.body(v.body);
    c.header('Content-Encoding', enc);
    return c.body(new Uint8Array(v.encoded(enc)));
  });
}
