// The columns of an order-history file, once its own headers are mapped: one row per order line.

/** The generic CSV's documented columns (`--format csv`). */
export const GENERIC_COLUMNS = ['order_id', 'customer_id', 'email', 'created_at', 'total', 'currency', 'product_id', 'quantity', 'price', 'refund'] as const;

/** Columns a file may also have (the platform exports fill them; a generic file may name them too). */
export const EXTRA_COLUMNS = [
  'order_name',
  'product_name',
  'variant',
  /** A line's total, when a file has no unit price (divided by the quantity). */
  'line_total',
  'tax',
  'shipping',
  'discount',
  'coupon',
  /** When the refund was made; the order's time when absent. */
  'refunded_at',
  /** `spoor.visitorId()` carried into the order. */
  'visitor_id',
  /** The platform's order status (used by the platform formats to leave out orders never placed). */
  'status',
] as const;

export type Column = (typeof GENERIC_COLUMNS)[number] | (typeof EXTRA_COLUMNS)[number];

export const ALL_COLUMNS: readonly Column[] = [...GENERIC_COLUMNS, ...EXTRA_COLUMNS];

export function isColumn(name: string): name is Column {
  return (ALL_COLUMNS as readonly string[]).includes(name);
}

/** One row of a file: the values of the columns it has, as text. */
export type RowValues = Partial<Record<Column, string>>;

export interface ImportRow {
  /** 1-based line in the file. */
  line: number;
  values: RowValues;
}

/** A line that could not be read at all (not CSV, not JSON, a short CDNOW record). */
export interface UnreadableLine {
  line: number;
  reason: string;
  /** The text, cut for the report. */
  text: string;
}
