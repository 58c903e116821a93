// @spoor/reports: the figures of the marketer's workspace, each from a documented SQL file of
// clickhouse/queries run with bound parameters, so an analyst's `spoor sql --file` gets the same numbers.
export * from './errors.js';
export * from './files.js';
export * from './params.js';
export * from './table.js';
export * from './overview.js';
export * from './acquisition.js';
export * from './funnel.js';
export * from './rfm.js';
export * from './cohorts.js';
export * from './customers.js';
export * from './segment-history.js';
