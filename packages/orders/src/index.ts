// @spoor/orders: orders from a shop's own books (platform webhooks, order-history files) as
// purchase and refund events that count once, joined to the visitor and customer they belong to.
export { type OrdersErrorCode, OrdersError } from './errors.js';
export { stableEventId } from './event-id.js';
export { decimal, absDecimal, optionalDecimal, fromMinorUnits, subtract, unitPrice, isZero, addAmounts, times, compareAmounts } from './money.js';
export { personOf, standIn, type PersonOptions, type Person } from './person.js';
export { type Buyer, type OrderLine, type OrderRecord, type RefundRecord, type OrderRecords } from './record.js';
export { purchaseEvent, refundEvent, recordEvents } from './to-events.js';
export { webhookRecords, type WebhookRecords, VISITOR_ATTRIBUTE, shopifyOrder, shopifyRefund } from './platforms/index.js';
export { type SkippedLine, type AssembledOrder, type AssembleResult, type AssembleOptions, OrderAssembler } from './import/assemble.js';
export { isColumn, GENERIC_COLUMNS, EXTRA_COLUMNS, type Column, ALL_COLUMNS, type RowValues, type ImportRow, type UnreadableLine } from './import/columns.js';
export { type CsvRecord, CsvReader } from './import/csv.js';
export { parseOrderTime } from './import/dates.js';
export {
  formatInfo,
  rowSource,
  parseColumnMap,
  IMPORT_FORMATS,
  type ImportFormat,
  type ParsedLine,
  type RowSource,
  type FormatOptions,
  type FormatInfo,
} from './import/formats.js';
