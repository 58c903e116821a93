// The admin Hono app: bearer-token segment API and the /admin page, over an injected warehouse
// and segment catalog. Mount it beside the collector (spoor up does); the collector stays public.
import { Hono } from 'hono';
import { SegmentError, type ReadMode, type SegmentCatalog } from '@spoor/segments';
import type { Warehouse } from '@spoor/warehouse';
import type { AdminDeps } from './deps.js';
import { AdminError, renderError } from './errors.js';
import { createAdminAuth } from './middleware/bearer-auth/index.js';
import { pageRoutes } from './routes/page.js';
import { segmentRoutes } from './routes/segments.js';

export interface AdminOptions {
  warehouse: Warehouse;
  /** `SPOOR_ADMIN_TOKEN` (at least 16 characters). */
  token: string;
  /** The catalog, or a function returning it per request (to pick up edited definition files). */
  segments: SegmentCatalog | (() => SegmentCatalog);
  /** @defaultValue paged on the embedded engine, streamed from a server */
  readMode?: ReadMode;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Unexpected errors, for the process's log. */
  onError?: (err: Error) => void;
}

export interface AdminApp {
  app: Hono;
}

export function createAdminApp(options: AdminOptions): AdminApp {
  const segments = options.segments;
  const deps: AdminDeps = {
    warehouse: options.warehouse,
    catalog: typeof segments === 'function' ? segments : () => segments,
    readMode: options.readMode,
    now: options.now ?? Date.now,
    onError: options.onError,
  };
  const auth = createAdminAuth(options.token);
  const app = new Hono();
  app.onError((err, c) => {
    const known = err instanceof AdminError || err instanceof SegmentError;
    if (!known) deps.onError?.(err);
    return renderError(err, c);
  });
  app.use('/v1/segments', auth.middleware);
  app.use('/v1/segments/*', auth.middleware);
  segmentRoutes(app, deps);
  pageRoutes(app, deps, auth);
  return { app };
}
