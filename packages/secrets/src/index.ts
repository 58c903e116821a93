// @spoor/secrets: site keys, webhook secrets sealed at rest, derived keys. node:crypto only.
export * from './errors.js';
export * from './keyed-hash.js';
export * from './sealed.js';
export * from './secret-key.js';
export * from './site-key.js';
