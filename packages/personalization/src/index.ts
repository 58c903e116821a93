// @spoor/personalization: one visitor's or customer's profile, exposed segments and
// recommendations, read from the warehouse by primary key (what /v1/me, /v1/recommendations and
// /v1/profiles answer).
export * from './affinity.js';
export * from './cache.js';
export * from './catalog.js';
export * from './cart.js';
export * from './customer.js';
export * from './lookups.js';
export * from './me.js';
export * from './personalization.js';
export * from './policy.js';
export * from './profile.js';
export * from './recommend.js';
export * from './rfm.js';
export * from './segments.js';
export * from './values.js';
export * from './visitor.js';
