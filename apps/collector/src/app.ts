// The collector's Hono app: routes and middleware over injected dependencies (queue, sites, salt,
// rate limits), so `spoor up`, `spoor collector` and tests compose the same app.
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { isPublicIp } from '@spoor/enrich';
import type { RejectReason } from '@spoor/events';
import type { BatchQueue } from '@spoor/queue';
import type { BatchStages } from './batch-stages.js';
import { CollectorError, renderError } from './errors.js';
import { silentLogger, type CollectorLogger } from './logger.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics.js';
import { accessLog } from './middleware/access-log/index.js';
import { cors, refusalCors } from './middleware/cors/index.js';
import { requestMetrics } from './middleware/metrics/index.js';
import { rateLimit } from './middleware/rate-limit/index.js';
import { shutdownGate } from './middleware/shutdown/index.js';
import type { RateLimits } from './rate-limits.js';
import { clientIp } from './request-context.js';
import { batchRoute } from './routes/batch.js';
import { healthRoutes } from './routes/health.js';
import { hookRoutes } from './routes/hooks.js';
import type { PersonalizationReader } from './personalization.js';
import { meRoute, VISITOR_HEADER } from './routes/me.js';
import { metricsRoute } from './routes/metrics.js';
import { pixelRoute } from './routes/pixel.js';
import { profilesRoute } from './routes/profiles.js';
import { recommendationsRoute } from './routes/recommendations.js';
import { sdkRoute } from './routes/sdk.js';
import { serverBatchRoute } from './routes/server-batch.js';
import type { SdkBundle } from './sdk-bundle.js';
import type { SiteRegistry } from './sites.js';

export interface CollectorHooks {
  onBatch?(info: { site: string; accepted: number; rejected: Array<{ reason: RejectReason }> }): void;
  onError?(err: Error): void;
}

export interface CollectorOptions {
  queue: Pick<BatchQueue, 'enqueue' | 'isReady'>;
  /** `staticSites([...])`, or `refreshingSites({ load })` over the ClickHouse `sites` table. */
  sites: SiteRegistry;
  /** Today's IP salt (see `createIpSalt`). */
  ipSalt: () => Promise<string>;
  /** The script tag's parts (`sdkBundle(readSdkBuild(dir))`); absent: /sdk.js answers 503. */
  sdk?: SdkBundle | undefined;
  /** Extra readiness checks by name, e.g. `clickhouse`. */
  readiness?: Record<string, () => Promise<boolean>>;
  /**
   * Liveness checks by name: the process is broken for good (not merely waiting on a dependency)
   * when one is false, and /healthz answers 503 so a supervisor restarts it.
   */
  liveness?: Record<string, () => boolean>;
  /** More Prometheus text for /metrics, from parts of the process the collector does not own. */
  extraMetrics?: () => string;
  /**
   * `SPOOR_TRUST_PROXY`: how many proxies in front of the collector append to X-Forwarded-For
   * (`true` is one). Without it the header is ignored. @defaultValue false
   */
  trustProxy?: boolean | number;
  now?: () => number;
  hooks?: CollectorHooks;
  /** Per-IP and per-site limits (`redisRateLimits`). Absent: no limits. */
  rateLimits?: RateLimits | undefined;
  /** pino or anything of its shape. @defaultValue silent */
  logger?: CollectorLogger | undefined;
  /** A Prometheus registry to share with the rest of the process. @defaultValue a registry of its own, with process metrics */
  metricsRegistry?: Registry | undefined;
  /** `SPOOR_SECRET_KEY`, which opens the sites' sealed webhook secrets; without it webhooks get 503. */
  secretKey?: string | undefined;
  /** Profile and recommendation reads (/v1/me, /v1/recommendations, /v1/profiles). Absent: they answer 503. */
  personalization?: PersonalizationReader | undefined;
  /** A request body must arrive within this, else 408. @defaultValue BODY_TIMEOUT_MS (10 s) */
  bodyTimeoutMs?: number;
  /**
   * Where /v1/batch's parsing, checks and queue add run, given the collector's metrics to time the
   * adds in: `startBatchThread(...).stages` runs them in a thread of their own, adding to the same
   * queue as `queue`. @defaultValue in the request's thread, on `queue` (`localBatchStages`)
   */
  batchStages?: ((metrics: CollectorMetrics) => BatchStages) | undefined;
}

export type CollectorDeps = Required<Pick<CollectorOptions, 'trustProxy' | 'now'>> & CollectorOptions & { logger: CollectorLogger; metrics: CollectorMetrics };

export interface Collector {
  app: Hono;
  metrics: CollectorMetrics;
  /** New batches and pixels get 503 from now on; requests already inside finish normally. */
  beginShutdown(): void;
  /** Resolves true once no request is in flight (false after `timeoutMs`, default 10 s). */
  drain(timeoutMs?: number): Promise<boolean>;
}

const INGEST = ['/v1/batch', '/v1/p.gif'];
/** Routes pages call from their own origin, whose refusals a page may read. */
const PAGE_ROUTES = [...INGEST, '/v1/me', '/v1/recommendations'];

export function createCollector(options: CollectorOptions): Collector {
  const deps: CollectorDeps = {
    trustProxy: false,
    now: Date.now,
    ...options,
    logger: options.logger ?? silentLogger,
    metrics: createCollectorMetrics(options.metricsRegistry),
  };
  const gate = shutdownGate({ refuse: INGEST });
  const openRefusal = refusalCors({ sites: deps.sites, routes: PAGE_ROUTES });
  const app = new Hono();
  app.onError(async (err, c) => {
    if (!(err instanceof CollectorError)) deps.hooks?.onError?.(err);
    await openRefusal(c, err);
    return renderError(err, c);
  });
  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.use('*', requestMetrics(deps.metrics), accessLog(deps.logger), gate.middleware);
  app.use('/v1/batch', cors({ sites: deps.sites }));
  for (const path of ['/v1/me', '/v1/recommendations']) app.use(path, cors({ sites: deps.sites, methods: ['GET'], headers: [VISITOR_HEADER] }));

  const ipLimit = rateLimit({
    limits: deps.rateLimits,
    scope: 'ip',
    // A private or loopback peer is a proxy or a local process speaking for many people (e.g. a
    // load balancer when SPOOR_TRUST_PROXY is not set): limiting it by address would throttle
    // everyone behind it, so only the site budget applies to it.
    key: (c) => {
      const ip = clientIp(c, deps.trustProxy);
      return isPublicIp(ip) ? ip : '';
    },
    onLimited: (scope) => deps.metrics.rateLimited.inc({ scope }),
  });
  batchRoute(app, deps, ipLimit);
  pixelRoute(app, deps, ipLimit);
  serverBatchRoute(app, deps, gate);
  hookRoutes(app, deps, gate);
  meRoute(app, deps, ipLimit);
  recommendationsRoute(app, deps, ipLimit);
  profilesRoute(app, deps);
  healthRoutes(app, deps, gate);
  metricsRoute(app, deps.metrics, deps.extraMetrics);
  sdkRoute(app, deps.sdk);
  return {
    app,
    metrics: deps.metrics,
    beginShutdown: () => gate.begin(),
    drain: (timeoutMs) => gate.drain(timeoutMs),
  };
}
