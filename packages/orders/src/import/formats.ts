// The file formats `spoor import orders` reads, each turning its text into rows of the columns in
// columns.ts: the generic CSV (headers by name, `--map` for others), Shopify's and WooCommerce's
// order exports, NDJSON, and the CDNOW purchase log.
import { CsvReader } from './csv.js';
import { isColumn, type Column, type ImportRow, type RowValues, type UnreadableLine } from './columns.js';
import { OrdersError } from '../errors.js';

export const IMPORT_FORMATS = ['csv', 'shopify-csv', 'woocommerce-csv', 'ndjson', 'cdnow'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ParsedLine = ImportRow | (UnreadableLine & { unreadable: true });

export interface RowSource {
  /** Rows (and unreadable lines) complete in the text read so far. */
  push(chunk: string): ParsedLine[];
  end(): ParsedLine[];
}

export interface FormatOptions {
  /** `--map from=to,...`: a file's column `from` is read as `to`. */
  map?: Record<string, Column> | undefined;
}

export interface FormatInfo {
  /** Rows of one order share this column's value, and follow each other. */
  groupBy: Column;
  /** Why a row is left out (an order never placed), or undefined to keep it. */
  skip?: (values: RowValues) => string | undefined;
  /** Currency when the file has none (the CDNOW log is in dollars). */
  currency?: string;
}

export function formatInfo(format: ImportFormat): FormatInfo {
  switch (format) {
    case 'shopify-csv':
      // Only an order's first row has its order fields; every row has its Name.
      return { groupBy: 'order_name', skip: (v) => (v.status?.toLowerCase() === 'voided' ? 'a voided order (Financial Status voided)' : undefined) };
    case 'woocommerce-csv':
      return {
        groupBy: 'order_id',
        skip: (v) => (v.status && !WOO_PLACED.has(v.status.toLowerCase().replace(/^wc-/, '')) ? `order status ${v.status} is not a placed order` : undefined),
      };
    case 'cdnow':
      return { groupBy: 'order_id', currency: 'USD' };
    default:
      return { groupBy: 'order_id' };
  }
}

const WOO_PLACED = new Set(['processing', 'completed', 'on-hold', 'refunded']);

/** Shopify's order export (Orders → Export, CSV for Excel or plain CSV). */
const SHOPIFY_HEADERS: Record<string, Column> = {
  id: 'order_id',
  name: 'order_name',
  email: 'email',
  'created at': 'created_at',
  total: 'total',
  currency: 'currency',
  taxes: 'tax',
  shipping: 'shipping',
  'discount amount': 'discount',
  'discount code': 'coupon',
  'lineitem sku': 'product_id',
  'lineitem name': 'product_name',
  'lineitem quantity': 'quantity',
  'lineitem price': 'price',
  'refunded amount': 'refund',
  'financial status': 'status',
};

/** WooCommerce's "Customer / Order / Coupon Export", format "Default – One Row per Item". */
const WOO_HEADERS: Record<string, Column> = {
  order_id: 'order_id',
  order_number: 'order_name',
  order_date: 'created_at',
  status: 'status',
  shipping_total: 'shipping',
  tax_total: 'tax',
  discount_total: 'discount',
  order_total: 'total',
  refunded_total: 'refund',
  order_currency: 'currency',
  customer_id: 'customer_id',
  billing_email: 'email',
  item_name: 'product_name',
  item_sku: 'product_id',
  item_product_id: 'product_id',
  item_quantity: 'quantity',
  item_total: 'line_total',
};

/** Headers that carry the visitor id in any CSV (a custom order-meta column of an exporter). */
const VISITOR_HEADERS = ['spoor_visitor_id', '_spoor_visitor_id', 'meta:spoor_visitor_id', 'meta:_spoor_visitor_id', 'note attributes'];

export function rowSource(format: ImportFormat, opts: FormatOptions = {}): RowSource {
  switch (format) {
    case 'ndjson':
      return ndjsonSource(opts.map ?? {});
    case 'cdnow':
      return cdnowSource();
    default:
      return csvSource(format, opts.map ?? {});
  }
}

function csvSource(format: 'csv' | 'shopify-csv' | 'woocommerce-csv', map: Record<string, Column>): RowSource {
  const reader = new CsvReader();
  let header: Array<{ column: Column; notes?: boolean; rank: number } | undefined> | undefined;
  const known = format === 'shopify-csv' ? SHOPIFY_HEADERS : format === 'woocommerce-csv' ? WOO_HEADERS : {};
  const convert = (records: ReturnType<CsvReader['push']>): ParsedLine[] => {
    const out: ParsedLine[] = [];
    for (const r of records) {
      if (!header) {
        header = headerColumns(r.fields, known, map);
        continue;
      }
      if (r.error) {
        out.push({ unreadable: true, line: r.line, reason: r.error, text: r.fields.join(',').slice(0, 200) });
        continue;
      }
      if (r.fields.length === 1 && r.fields[0] === '') continue; // a blank line
      if (r.fields.length > header.length && r.fields.slice(header.length).some((f) => f !== '')) {
        out.push({ unreadable: true, line: r.line, reason: `${r.fields.length} fields for ${header.length} columns`, text: r.fields.join(',').slice(0, 200) });
        continue;
      }
      const values: RowValues = {};
      const ranks: Partial<Record<Column, number>> = {};
      for (let i = 0; i < header.length; i++) {
        const h = header[i];
        const raw = r.fields[i];
        if (!h || raw === undefined) continue;
        const v = h.notes ? visitorInNotes(raw) : raw.trim();
        // Two headers may name one column (item_product_id and item_sku): the better-ranked filled one wins.
        if (v && (values[h.column] === undefined || h.rank < (ranks[h.column] ?? Infinity))) {
          values[h.column] = v;
          ranks[h.column] = h.rank;
        }
      }
      out.push({ line: r.line, values });
    }
    return out;
  };
  return { push: (chunk) => convert(reader.push(chunk)), end: () => convert(reader.end()) };
}

function headerColumns(
  names: string[],
  known: Record<string, Column>,
  map: Record<string, Column>,
): Array<{ column: Column; notes?: boolean; rank: number } | undefined> {
  const columns = names.map((raw, rank) => {
    const name = raw.trim();
    const lower = name.toLowerCase();
    const mapped = map[name] ?? map[lower];
    if (mapped) return { column: mapped, rank: -1 };
    if (known[lower]) return { column: known[lower]!, rank: lower === 'item_product_id' ? -1 : rank };
    if (VISITOR_HEADERS.includes(lower)) return { column: 'visitor_id' as const, notes: lower === 'note attributes', rank };
    const generic = lower.replace(/\s+/g, '_');
    return Object.keys(known).length === 0 && isColumn(generic) ? { column: generic, rank } : undefined;
  });
  if (!columns.some((c) => c?.column === 'order_id' || c?.column === 'order_name')) {
    throw new OrdersError(
      'invalid_order',
      `the header names no order id column (it has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}); name one with --map COLUMN=order_id`,
      'header',
    );
  }
  return columns;
}

/** Shopify writes note attributes as `name: value` lines in one cell. */
function visitorInNotes(cell: string): string {
  for (const line of cell.split(/\r?\n/)) {
    const m = /^\s*_?spoor_visitor_id\s*:\s*(\S+)\s*$/.exec(line);
    if (m) return m[1]!;
  }
  return cell.includes(':') ? '' : cell.trim();
}

function lineSplitter(onLine: (text: string, line: number) => ParsedLine | undefined): RowSource {
  let rest = '';
  let line = 0;
  const take = (text: string, final: boolean): ParsedLine[] => {
    const out: ParsedLine[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      line++;
      const r = onLine(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl), line);
      if (r) out.push(r);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (final && rest.length > 0) {
      line++;
      const r = onLine(rest.replace(/\r$/, ''), line);
      if (r) out.push(r);
      rest = '';
    }
    return out;
  };
  return { push: (chunk) => take(rest + chunk, false), end: () => take(rest, true) };
}

function ndjsonSource(map: Record<string, Column>): RowSource {
  return lineSplitter((text, line) => {
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { unreadable: true, line, reason: 'not a JSON object', text: text.slice(0, 200) };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { unreadable: true, line, reason: 'not a JSON object', text: text.slice(0, 200) };
    }
    const values: RowValues = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const column = map[key] ?? (isColumn(key) ? key : key === 'spoor_visitor_id' ? 'visitor_id' : undefined);
      if (!column || v === null || v === undefined) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[column] = String(v).trim();
    }
    return { line, values };
  });
}

/**
 * The CDNOW log: whitespace-separated `customer_id sample_id YYYYMMDD units dollars`, no header.
 * Several records of one customer and day are separate orders, so the n-th of them is order
 * `<customer>-<day>-<n>`: the same ids on every import of the file.
 */
function cdnowSource(): RowSource {
  const seen = new Map<string, number>();
  return lineSplitter((text, line) => {
    const f = text.trim().split(/\s+/);
    if (f.length === 1 && f[0] === '') return undefined;
    if (f.length !== 5 || !/^\d+$/.test(f[0]!) || !/^\d{8}$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) {
      return { unreadable: true, line, reason: 'not a CDNOW record (customer_id sample_id YYYYMMDD units dollars)', text: text.slice(0, 200) };
    }
    const [customer, , day, units, dollars] = f as [string, string, string, string, string];
    const key = `${customer}-${day}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const values: RowValues = { order_id: `${key}-${n}`, customer_id: customer, created_at: day, total: dollars };
    if (Number(units) > 0) Object.assign(values, { product_id: 'cd', product_name: 'CD', quantity: units, line_total: dollars });
    return { line, values };
  });
}

/** `--map "Order Number=order_id,Buyer=customer_id"` → the mapping; a target must be a known column. */
export function parseColumnMap(spec: string): Record<string, Column> {
  const map: Record<string, Column> = {};
  for (const part of spec.split(',')) {
    if (!part.trim()) continue;
    const eq = part.lastIndexOf('=');
    const from = part.slice(0, eq).trim();
    const to = part.slice(eq + 1).trim();
    if (eq <= 0 || !from) throw new OrdersError('invalid_order', `--map entry ${JSON.stringify(part)} is not FROM=TO`, 'map');
    if (!isColumn(to))
      throw new OrdersError(
        'invalid_order',
        `--map target ${JSON.stringify(to)} is not a column (order_id, customer_id, email, created_at, total, currency, product_id, quantity, price, refund, ...)`,
        'map',
      );
    map[from] = to;
  }
  return map;
}
