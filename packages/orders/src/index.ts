// @spoor/orders: orders from a shop's own books (platform webhooks, order-history files) as
// purchase and refund events that count once, joined to the visitor and customer they belong to.
export * from './errors.js';
export * from './event-id.js';
export * from './money.js';
export * from './person.js';
export * from './record.js';
export * from './to-events.js';
export * from './platforms/index.js';
export * from './import/assemble.js';
export * from './import/columns.js';
export * from './import/csv.js';
export * from './import/dates.js';
export * from './import/formats.js';
