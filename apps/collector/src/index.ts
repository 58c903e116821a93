// @spoor/collector: the public ingestion endpoint.
export * from './app.js';
export * from './errors.js';
export * from './identity.js';
export * from './ingest.js';
export * from './ip-salt.js';
export * from './logger.js';
export * from './metrics.js';
export * from './personalization.js';
export * from './rate-limits.js';
export * from './request-context.js';
export { runChecks } from './routes/health.js';
export * from './sdk-bundle.js';
export * from './server.js';
export * from './sites.js';
