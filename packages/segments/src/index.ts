// @spoor/segments: segment definitions, their compiler to parameterised SQL, sizes, previews,
// streamed exports and webhook delivery of who entered and left.
export * from './builtins.js';
export * from './catalog.js';
export * from './compile.js';
export * from './definition.js';
export * from './duration.js';
export * from './errors.js';
export * from './fields.js';
export * from './params.js';
export * from './people.js';
export * from './queries.js';
export * from './sizes.js';
export * from './traits.js';
export * from './export/export.js';
export * from './export/formats.js';
export * from './export/rows.js';
export * from './delivery/deliver.js';
export * from './delivery/webhook.js';
