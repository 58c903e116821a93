// The text patterns of the wire format, shared by the zod schemas and the collector's hand-written
// check of the same shapes (accept-event.ts), so both test a value against one rule.

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable ASCII without spaces: safe in logs, URLs, CSV and Redis keys. */
export const ASCII_ID = /^[\x21-\x7e]+$/;
export const CONTROL = /[\u0000-\u001f\u007f]/;
/** Money sent as text: a non-negative decimal that fits Decimal(18, 4) before rounding. */
export const DECIMAL = /^\d{1,14}(\.\d{1,8})?$/;
export const CURRENCY = /^[A-Za-z]{3}$/;
