// @spoor/enrich: pure functions that turn request facts into analysable columns.
export * from './bots.js';
export * from './clock.js';
export * from './ip.js';
export * from './url.js';
export * from './user-agent.js';
