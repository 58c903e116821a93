// The admin Hono app: bearer-token segment API and the marketer's workspace under /admin (reports,
// customers, segments and their builder), over an injected warehouse and segment catalog. Mount it
// beside the collector (spoor up does); the collector stays public.
import { Hono } from 'hono';
import { SegmentError, type ReadMode, type SegmentCatalog } from '@spoor/segments';
import { ReportError } from '@spoor/reports';
import type { Warehouse } from '@spoor/warehouse';
import type { AdminDeps } from './deps.js';
import { AdminError, renderError } from './errors.js';
import { createAdminAuth } from './middleware/bearer-auth/index.js';
import { assetRoutes } from './routes/assets.js';
import { authRoutes } from './routes/auth.js';
import { builderRoutes } from './routes/builder.js';
import { customerRoutes } from './routes/customers.js';
import { dataRoutes } from './routes/data.js';
import { reportRoutes } from './routes/reports.js';
import { segmentPageRoutes } from './routes/segments-page.js';
import { segmentRoutes } from './routes/segments.js';
import type { WebhookSchedules } from './webhooks.js';

export interface AdminOptions {
  warehouse: Warehouse;
  /** `SPOOR_ADMIN_TOKEN` (at least 16 characters). */
  token: string;
  /** The catalog, or a function returning it per request (to pick up edited definition files). */
  segments: SegmentCatalog | (() => SegmentCatalog);
  /** The catalog's folder, where the segment builder saves (SPOOR_SEGMENTS_DIR); saving is off without it. */
  segmentsDir?: string | undefined;
  /** Webhook schedules of segments (spoor up passes its own). */
  webhooks?: WebhookSchedules | undefined;
  /** @defaultValue paged on the embedded engine, streamed from a server */
  readMode?: ReadMode;
  /** @defaultValue Date.now */
  now?: () => number;
  /** Unexpected errors, for the process's log. */
  onError?: (err: Error) => void;
  /** People were erased ("forget"): told once suppressed, before their rows are deleted. */
  onErased?: (erased: { site: string; visitors: string[]; users: string[] }) => void | Promise<void>;
}

export interface AdminApp {
  app: Hono;
}

export function createAdminApp(options: AdminOptions): AdminApp {
  const segments = options.segments;
  const deps: AdminDeps = {
    warehouse: options.warehouse,
    catalog: typeof segments === 'function' ? segments : () => segments,
    segmentsDir: options.segmentsDir,
    webhooks: options.webhooks,
    readMode: options.readMode,
    now: options.now ?? Date.now,
    onError: options.onError,
    onErased: options.onErased,
  };
  const auth = createAdminAuth(options.token);
  const app = new Hono();
  app.onError((err, c) => {
    const known = err instanceof AdminError || err instanceof SegmentError || err instanceof ReportError;
    if (!known) deps.onError?.(err);
    return renderError(err, c);
  });
  app.use('/v1/segments', auth.middleware);
  app.use('/v1/segments/*', auth.middleware);
  segmentRoutes(app, deps);
  assetRoutes(app);
  authRoutes(app, auth);
  // The segment table lived at /admin?segment=NAME before the workspace had an overview there.
  app.get('/admin', async (c, next) => (c.req.query('segment') ? c.redirect(`/admin/segments?${new URL(c.req.url).searchParams}`, 301) : next()));
  reportRoutes(app, deps, auth);
  customerRoutes(app, deps, auth);
  // The builder's fixed paths before /admin/segments/:name/... patterns.
  builderRoutes(app, deps, auth);
  segmentPageRoutes(app, deps, auth);
  dataRoutes(app, deps, auth);
  return { app };
}
