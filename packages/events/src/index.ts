// @spoor/events: the wire contract shared by the SDK (types only), the collector and the worker.
export * from './limits.js';
export * from './personalization.js';
export * from './schema.js';
export * from './types.js';
export * from './validate.js';
export * from './hooks.js';
export * from './text.js';
