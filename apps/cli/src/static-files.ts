// Serves a folder of static pages (the demo shop) under a Hono app, without path traversal.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export function serveFolder(app: Hono, root: string) {
  const base = resolve(root);
  app.get('/*', async (c, next) => {
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path);
    } catch {
      return next(); // a malformed escape names no file
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = resolve(join(base, normalize(rel)));
    if (!file.startsWith(base + sep) || !(extname(file) in TYPES)) return next();
    try {
      const body = await readFile(file);
      c.header('Content-Type', TYPES[extname(file)]!);
      c.header('Cache-Control', 'no-cache');
      return c.body(body);
    } catch {
      return next();
    }
  });
}
