// @spoor/collector: the public ingestion endpoint.
export * from './app.js';
export * from './errors.js';
export * from './ingest.js';
export * from './ip-salt.js';
export * from './routes/sdk.js';
export * from './server.js';
export * from './sites.js';
