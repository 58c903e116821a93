// GET /sdk.js: the script-tag build, cacheable for a day and revalidated with its ETag.
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';

export interface SdkScript {
  body: string;
  etag: string;
}

export function sdkScript(body: string): SdkScript {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"` };
}

export function sdkRoute(app: Hono, script: SdkScript | undefined) {
  app.get('/sdk.js', (c) => {
    if (!script) return c.text('// Spoor SDK not built: run npm run build', 503);
    c.header('ETag', script.etag);
    // The URL is not versioned, so caches keep it a day and then revalidate cheaply.
    c.header('Cache-Control', 'public, max-age=86400, stale-while-revalidate=604800');
    if (c.req.header('if-none-match') === script.etag) return c.body(null, 304);
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    return c.body(script.body);
  });
}
