// The collector's Prometheus metrics (prom-client), on a registry of its own unless the process
// shares one, so two collectors in one test process never collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Routes are labelled by name from this fixed set, so a scan of random paths adds no series. */
export const ROUTES = [
  '/v1/batch',
  '/v1/server/batch',
  '/v1/hooks/shopify',
  '/v1/hooks/woocommerce',
  '/v1/hooks/stripe',
  '/v1/p.gif',
  '/v1/me',
  '/v1/recommendations',
  '/v1/profiles',
  '/sdk.js',
  '/healthz',
  '/readyz',
  '/metrics',
] as const;

export interface CollectorMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  requestSeconds: Histogram<'route'>;
  /** Whole requests refused, by error code (`unknown_site`, `rate_limited`, ...). */
  refusals: Counter<'code'>;
  eventsAccepted: Counter<'site'>;
  eventsRejected: Counter<'reason'>;
  queueAddSeconds: Histogram<'outcome'>;
  rateLimited: Counter<'scope'>;
}

/**
 * With no registry given, a new one that also carries the process metrics (CPU, memory, event-loop
 * lag). A registry passed in is used as is: its owner decides about process metrics.
 */
export function createCollectorMetrics(shared?: Registry): CollectorMetrics {
  const registry = shared ?? new Registry();
  if (!shared) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'spoor_collector_requests_total',
      help: 'HTTP requests answered, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'spoor_collector_request_duration_seconds',
      help: 'Time from request to response, by route',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    refusals: new Counter({
      name: 'spoor_collector_refusals_total',
      help: 'Requests refused as a whole, by error code',
      labelNames: ['code'],
      registers,
    }),
    eventsAccepted: new Counter({
      name: 'spoor_collector_events_accepted_total',
      help: 'Events queued, by site',
      labelNames: ['site'],
      registers,
    }),
    eventsRejected: new Counter({
      name: 'spoor_collector_events_rejected_total',
      help: 'Events refused one by one (kept in rejected_events), by reason',
      labelNames: ['reason'],
      registers,
    }),
    queueAddSeconds: new Histogram({
      name: 'spoor_collector_queue_add_seconds',
      help: 'Time to add a batch to the queue, by outcome (ok, error)',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers,
    }),
    rateLimited: new Counter({
      name: 'spoor_collector_rate_limited_total',
      help: 'Requests answered 429, by the limit that was hit (ip, site)',
      labelNames: ['scope'],
      registers,
    }),
  };
}

export function routeLabel(path: string): string {
  // A webhook's path names its site; the label keeps only the platform.
  const hook = /^\/v1\/hooks\/(shopify|woocommerce|stripe)\/[^/]+$/.exec(path);
  if (hook) return `/v1/hooks/${hook[1]}`;
  if (path.startsWith('/v1/profiles/')) return '/v1/profiles';
  return (ROUTES as readonly string[]).includes(path) ? path : 'other';
}
