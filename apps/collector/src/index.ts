// @spoor/collector: the public ingestion endpoint.
export { type CollectorHooks, type CollectorOptions, type CollectorDeps, type Collector, createCollector } from './app.js';
export { type BatchStages, type OpenedBatch, type QueueRequest, type QueuedBatch, localBatchStages } from './batch-stages.js';
export { type BatchThread, type BatchThreadOptions, startBatchThread } from './batch-thread.js';
export { type CollectorErrorCode, CollectorError, renderError } from './errors.js';
export {
  VISITOR_COOKIE,
  VISITOR_COOKIE_MAX_AGE_S,
  readVisitorCookie,
  requestIsHttps,
  type VisitorCookie,
  writeVisitorCookie,
  settleVisitor,
  pixelVisitor,
} from './identity.js';
export { createIpSalt } from './ip-salt.js';
export { type CollectorLogger, silentLogger } from './logger.js';
export { ROUTES, type CollectorMetrics, createCollectorMetrics, routeLabel } from './metrics.js';
export { type SitePolicy, type PersonalizationReader } from './personalization.js';
export {
  type RateLimitScope,
  type RateLimitVerdict,
  type RateLimits,
  type RateLimit,
  type RedisRateLimitsOptions,
  DEFAULT_RATE_LIMITS,
  redisRateLimits,
} from './rate-limits.js';
export { proxyHops, clientIp, requestContext, firstLanguage, isGpc } from './request-context.js';
export { runChecks } from './routes/health.js';
export { type SdkBuild, readSdkBuild, type SdkVariant, type SdkLookup, type SdkBundle, sdkBundle } from './sdk-bundle.js';
export { type RunningServer, type ListenOptions, listen } from './server.js';
export {
  type SiteConfig,
  type SiteSpec,
  siteConfig,
  siteKeyMatches,
  type HookSecret,
  hookSecret,
  type SiteRegistry,
  type SiteRowInput,
  siteFromRow,
  staticSites,
  normalizeOrigin,
  originAllowed,
  type RefreshingSitesOptions,
  type RefreshingSites,
  refreshingSites,
} from './sites.js';
