// @spoor/traffic: seeded, realistic shop traffic for tests, benchmarks and demo data.
export * from './catalog.js';
export * from './generate.js';
export * from './random.js';
export * from './holdout.js';
export * from './cdnow.js';
