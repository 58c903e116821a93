// Rows of an order-history file → orders: the rows of one order follow each other, its order
// fields are read from the first row that has them, each row with a product is a line. A row that
// cannot be read is reported with its line and left out; an order whose own fields cannot be read
// is left out whole, each of its lines reported.
import { idSchema } from '@spoor/events';
import { OrdersError } from '../errors.js';
import { absDecimal, addAmounts, compareAmounts, decimal, isZero, optionalDecimal, times, unitPrice } from '../money.js';
import type { OrderLine, OrderRecord, RefundRecord } from '../record.js';
import type { Column, ImportRow, RowValues } from './columns.js';
import { parseOrderTime } from './dates.js';
import type { FormatInfo } from './formats.js';

export interface SkippedLine {
  line: number;
  reason: string;
  /** `unreadable`: something in it is wrong; `left_out`: read, and not an order (a voided one). */
  kind: 'unreadable' | 'left_out';
  /** The field at fault, when one is. */
  column?: string;
  /** The row as read (JSON of its columns), for the record of refusals. */
  raw?: string;
}

export interface AssembledOrder {
  order: OrderRecord;
  refund?: RefundRecord | undefined;
  /** The file lines the order was read from. */
  lines: number[];
}

export interface AssembleResult {
  orders: AssembledOrder[];
  skipped: SkippedLine[];
}

export interface AssembleOptions extends FormatInfo {
  /** `--currency`: for rows without one. */
  currency?: string | undefined;
}

const CURRENCY = /^[A-Za-z]{3}$/;
const QUANTITY = /^\d{1,7}$/;

export class OrderAssembler {
  private key: string | undefined;
  private rows: ImportRow[] = [];
  private readonly done = new Set<string>();

  constructor(private readonly opts: AssembleOptions) {}

  add(row: ImportRow): AssembleResult {
    const skip = this.opts.skip?.(row.values);
    if (skip) return { orders: [], skipped: [{ line: row.line, reason: skip, kind: 'left_out', raw: rawOf(row) }] };
    const key = row.values[this.opts.groupBy] ?? row.values.order_id ?? row.values.order_name;
    if (!key)
      return { orders: [], skipped: [{ line: row.line, reason: `no ${this.opts.groupBy}`, kind: 'unreadable', column: this.opts.groupBy, raw: rawOf(row) }] };
    if (key === this.key) {
      this.rows.push(row);
      return { orders: [], skipped: [] };
    }
    const result = this.flush();
    if (this.done.has(key)) {
      result.skipped.push({
        line: row.line,
        reason: `order ${key} was read earlier in the file: the lines of an order must follow each other (sort the file by order)`,
        kind: 'unreadable',
        column: this.opts.groupBy,
        raw: rawOf(row),
      });
      return result;
    }
    this.key = key;
    this.rows = [row];
    return result;
  }

  end(): AssembleResult {
    return this.flush();
  }

  private flush(): AssembleResult {
    const rows = this.rows;
    if (this.key !== undefined) this.done.add(this.key);
    this.key = undefined;
    this.rows = [];
    if (rows.length === 0) return { orders: [], skipped: [] };
    try {
      return this.build(rows);
    } catch (err) {
      if (!(err instanceof OrdersError)) throw err;
      return { orders: [], skipped: rows.map((r) => ({ line: r.line, reason: err.message, kind: 'unreadable' as const, column: err.path, raw: rawOf(r) })) };
    }
  }

  private build(rows: ImportRow[]): AssembleResult {
    const first = (c: Column) => rows.find((r) => r.values[c] !== undefined)?.values[c];
    const skipped: SkippedLine[] = [];
    const orderId = first('order_id') ?? first('order_name')!;
    if (!idSchema.safeParse(orderId).success)
      throw new OrdersError('invalid_order', `order id ${JSON.stringify(orderId.slice(0, 70))} is not 1-64 printable characters without spaces`, 'order_id');
    const created = first('created_at');
    if (!created) throw new OrdersError('invalid_order', 'no created_at', 'created_at');
    const placedAt = parseOrderTime(created);
    if (placedAt === undefined)
      throw new OrdersError('invalid_order', `created_at ${JSON.stringify(created.slice(0, 40))} is not a date or time`, 'created_at');
    const currency = (first('currency') ?? this.opts.currency)?.toUpperCase();
    if (!currency) throw new OrdersError('invalid_order', 'no currency (add a currency column, or --currency)', 'currency');
    if (!CURRENCY.test(currency))
      throw new OrdersError('invalid_order', `currency ${JSON.stringify(currency.slice(0, 20))} is not a 3-letter code`, 'currency');

    const items: OrderLine[] = [];
    for (const r of rows) {
      try {
        const line = lineOf(r.values);
        if (line) items.push(line);
      } catch (err) {
        if (!(err instanceof OrdersError)) throw err;
        skipped.push({ line: r.line, reason: `${err.message} (the order is imported without this line)`, kind: 'unreadable', column: err.path, raw: rawOf(r) });
      }
    }
    const totalText = first('total');
    const total = totalText !== undefined ? amount(totalText, 'total') : items.length > 0 ? addAmounts(items.map(lineTotal)) : undefined;
    if (total === undefined) throw new OrdersError('invalid_order', 'no total and no priced lines', 'total');

    const buyer = { customerId: first('customer_id'), email: first('email'), visitorId: first('visitor_id') };
    const order: OrderRecord = {
      orderId,
      placedAt,
      total,
      currency,
      tax: optional(first('tax'), 'tax'),
      shipping: optional(first('shipping'), 'shipping'),
      discount: optional(first('discount'), 'discount'),
      coupon: first('coupon'),
      name: first('order_name') !== orderId ? first('order_name') : undefined,
      items,
      buyer,
    };
    const refundText = maxAmount(rows.map((r) => r.values.refund).filter((v): v is string => v !== undefined));
    let refund: RefundRecord | undefined;
    if (refundText !== undefined && !isZero(refundText)) {
      const at = first('refunded_at');
      const refundedAt = at === undefined ? placedAt : parseOrderTime(at);
      if (refundedAt === undefined)
        throw new OrdersError('invalid_order', `refunded_at ${JSON.stringify(at!.slice(0, 40))} is not a date or time`, 'refunded_at');
      // The file holds what was refunded of the order by the time of the export: one refund, named after the order.
      refund = { refundId: `order:${orderId}`, orderId, refundedAt, amount: refundText, currency, buyer, personFromOrder: false };
    }
    return { orders: [{ order, refund, lines: rows.map((r) => r.line) }], skipped };
  }
}

function rawOf(row: ImportRow): string {
  return JSON.stringify(row.values);
}

function lineOf(v: RowValues): OrderLine | undefined {
  const productId = v.product_id ?? v.product_name;
  if (productId === undefined && v.price === undefined && v.line_total === undefined) return undefined;
  if (productId === undefined) throw new OrdersError('invalid_order', 'a priced line without product_id', 'product_id');
  const quantityText = v.quantity ?? '1';
  if (!QUANTITY.test(quantityText))
    throw new OrdersError('invalid_order', `quantity ${JSON.stringify(quantityText.slice(0, 20))} is not a whole number`, 'quantity');
  const quantity = Number(quantityText);
  const price = v.price !== undefined ? amount(v.price, 'price') : v.line_total !== undefined ? unitPrice(amount(v.line_total, 'line_total'), quantity) : '0';
  if (productId.length > 128) throw new OrdersError('invalid_order', 'product_id is longer than 128 characters', 'product_id');
  return { productId, name: v.product_name ?? '', variant: v.variant, price, quantity };
}

function lineTotal(l: OrderLine): string {
  return times(l.price, l.quantity);
}

function amount(text: string, column: string): string {
  try {
    return decimal(text, column);
  } catch {
    throw new OrdersError('invalid_order', `${column} ${JSON.stringify(text.slice(0, 30))} is not an amount such as 12.50`, column);
  }
}

function optional(text: string | undefined, column: string): string | undefined {
  try {
    return optionalDecimal(text, column);
  } catch {
    throw new OrdersError('invalid_order', `${column} ${JSON.stringify(text!.slice(0, 30))} is not an amount such as 12.50`, column);
  }
}

/** The refunded total of an order may repeat on each of its rows: the largest counts. */
function maxAmount(texts: string[]): string | undefined {
  let best: string | undefined;
  for (const t of texts) {
    let a: string;
    try {
      a = absDecimal(t, 'refund');
    } catch {
      throw new OrdersError('invalid_order', `refund ${JSON.stringify(t.slice(0, 30))} is not an amount such as 12.50`, 'refund');
    }
    if (best === undefined || compareAmounts(a, best) > 0) best = a;
  }
  return best;
}
