// The collector's Hono app: routes and middleware over injected dependencies (queue, sites, salt).
import { Hono } from 'hono';
import type { RejectReason } from '@spoor/events';
import type { BatchQueue } from '@spoor/queue';
import { CollectorError, renderError } from './errors.js';
import { batchRoute } from './routes/batch.js';
import { healthRoutes } from './routes/health.js';
import { sdkRoute, type SdkScript } from './routes/sdk.js';
import type { SiteRegistry } from './sites.js';

export interface CollectorHooks {
  onBatch?(info: { site: string; accepted: number; rejected: Array<{ reason: RejectReason }> }): void;
  onError?(err: Error): void;
}

export interface CollectorOptions {
  queue: Pick<BatchQueue, 'enqueue' | 'isReady'>;
  sites: SiteRegistry;
  /** Today's IP salt (see `createIpSalt`). */
  ipSalt: () => Promise<string>;
  sdk?: SdkScript | undefined;
  /** Extra readiness checks by name, e.g. `clickhouse`. */
  readiness?: Record<string, () => Promise<boolean>>;
  /** `SPOOR_TRUST_PROXY`: believe X-Forwarded-For. @defaultValue false */
  trustProxy?: boolean;
  now?: () => number;
  hooks?: CollectorHooks;
}

export type CollectorDeps = Required<Pick<CollectorOptions, 'trustProxy' | 'now'>> & CollectorOptions;

export interface CollectorState {
  shuttingDown: boolean;
}

export interface Collector {
  app: Hono;
  /** New batches get 503 from now on; requests already inside finish normally. */
  beginShutdown(): void;
}

export function createCollector(options: CollectorOptions): Collector {
  const deps: CollectorDeps = { trustProxy: false, now: Date.now, ...options };
  const state: CollectorState = { shuttingDown: false };
  const app = new Hono();
  app.onError((err, c) => {
    if (!(err instanceof CollectorError)) deps.hooks?.onError?.(err);
    return renderError(err, c);
  });
  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.options('/v1/batch', (c) => {
    // Preflight is answered for any origin; the POST itself is checked against the site's origins.
    const origin = c.req.header('origin');
    if (origin) c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Credentials', 'true');
    c.header('Access-Control-Allow-Methods', 'POST');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '86400');
    c.header('Vary', 'Origin');
    return c.body(null, 204);
  });
  batchRoute(app, deps, state);
  healthRoutes(app, deps, state);
  sdkRoute(app, deps.sdk);
  return {
    app,
    beginShutdown() {
      state.shuttingDown = true;
    },
  };
}
