// Order-history files: CSV records, dates, the formats' column maps, and rows into orders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CsvReader,
  formatInfo,
  OrderAssembler,
  parseColumnMap,
  parseOrderTime,
  rowSource,
  type AssembledOrder,
  type ImportFormat,
  type SkippedLine,
} from '../src/index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/imports', name), 'utf8');

/** Feeds the text in chunks of `size` characters, as a file stream would. */
function read(format: ImportFormat, text: string, opts: { map?: string; size?: number; currency?: string } = {}) {
  const source = rowSource(format, { map: opts.map ? parseColumnMap(opts.map) : undefined });
  const assembler = new OrderAssembler({ ...formatInfo(format), ...(opts.currency ? { currency: opts.currency } : {}) });
  const orders: AssembledOrder[] = [];
  const skipped: SkippedLine[] = [];
  const take = (parsed: ReturnType<typeof source.push>) => {
    for (const p of parsed) {
      if ('unreadable' in p) skipped.push({ line: p.line, reason: p.reason, kind: 'unreadable' });
      else {
        const r = assembler.add(p);
        orders.push(...r.orders);
        skipped.push(...r.skipped);
      }
    }
  };
  const size = opts.size ?? 7;
  for (let i = 0; i < text.length; i += size) take(source.push(text.slice(i, i + size)));
  take(source.end());
  const r = assembler.end();
  orders.push(...r.orders);
  skipped.push(...r.skipped);
  return { orders, skipped: skipped.sort((a, b) => a.line - b.line) };
}

describe('CsvReader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks across chunk boundaries', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",z\n3,,\n4,last';
    for (const size of [1, 2, 3, 5, 100]) {
      const r = new CsvReader();
      const records = [];
      for (let i = 0; i < text.length; i += size) records.push(...r.push(text.slice(i, i + size)));
      records.push(...r.end());
      expect(records, `chunks of ${size}`).toEqual([
        { fields: ['a', 'b', 'c'], line: 1 },
        { fields: ['1', 'x, y', 'say "hi"'], line: 2 },
        { fields: ['2', 'two\nlines', 'z'], line: 3 },
        { fields: ['3', '', ''], line: 5 },
        { fields: ['4', 'last'], line: 6 },
      ]);
    }
  });

  it('reports a quote that is never closed', () => {
    const r = new CsvReader();
    const records = [...r.push('a,b\n1,"open\n2,x\n'), ...r.end()];
    expect(records.at(-1)).toMatchObject({ line: 2, error: expect.stringContaining('never closed') });
  });
});

describe('parseOrderTime', () => {
  it('reads the forms exports use, UTC unless an offset is given', () => {
    expect(parseOrderTime('2024-03-01T10:00:00Z')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseOrderTime('2023-05-02 10:14:52 +0200')).toBe(Date.UTC(2023, 4, 2, 8, 14, 52));
    expect(parseOrderTime('2024-03-01T10:00:00.250-05:00')).toBe(Date.UTC(2024, 2, 1, 15, 0, 0, 250));
    expect(parseOrderTime('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseOrderTime('19970101')).toBe(Date.UTC(1997, 0, 1));
    expect(parseOrderTime('5/31/2016 0:37')).toBe(Date.UTC(2016, 4, 31, 0, 37));
    expect(parseOrderTime('1712746800')).toBe(1712746800_000);
    expect(parseOrderTime('2024-02-31')).toBeUndefined();
    expect(parseOrderTime('yesterday')).toBeUndefined();
  });
});

describe('generic CSV with --map', () => {
  it('imports what it can read and reports each line it cannot, with its number and reason', () => {
    const { orders, skipped } = read('csv', fixture('orders-mapped.csv'), { map: 'Order Number=order_id,Buyer=customer_id' });
    expect(orders.map((o) => [o.order.orderId, o.order.total, o.order.currency, o.order.items.length, o.refund?.amount])).toEqual([
      ['A-1', '30', 'EUR', 2, undefined],
      ['A-2', '15.5', 'USD', 1, '5'],
      ['A-4', '12', 'EUR', 0, undefined],
      // No total: the lines' sum. Each order keeps its own currency, none is converted.
      ['A-6', '3000', 'JPY', 1, undefined],
    ]);
    expect(orders[0]!.order.buyer).toEqual({ customerId: 'c1', email: 'c1@example.com', visitorId: undefined });
    expect(orders[0]!.lines).toEqual([2, 3]);
    expect(skipped.map((s) => [s.line, s.kind])).toEqual([
      [5, 'unreadable'],
      [6, 'unreadable'],
      [7, 'unreadable'],
    ]);
    expect(skipped[0]!.reason).toMatch(/created_at "not a date"/);
    expect(skipped[1]!.reason).toMatch(/quantity "two".*imported without this line/);
    expect(skipped[2]!.reason).toMatch(/12 fields for 10 columns/);
  });

  it('refuses a header without an order id, and a map to an unknown column', () => {
    expect(() => read('csv', 'id,total\n1,2\n')).toThrow(/no order id column/);
    expect(() => parseColumnMap('Order=order')).toThrow(/not a column/);
  });

  it('needs the lines of an order together', () => {
    const { orders, skipped } = read('csv', 'order_id,created_at,total,currency\n1,2024-01-01,5,EUR\n2,2024-01-01,5,EUR\n1,2024-01-01,5,EUR\n');
    expect(orders).toHaveLength(2);
    expect(skipped).toEqual([expect.objectContaining({ line: 4, reason: expect.stringMatching(/read earlier/) })]);
  });
});

describe('Shopify order export', () => {
  it('groups by Name, reads order fields from the first row, the visitor from Note Attributes, and leaves voided orders out', () => {
    const { orders, skipped } = read('shopify-csv', fixture('shopify-orders-export.csv'));
    expect(orders.map((o) => o.order)).toEqual([
      {
        orderId: '5100000000001',
        placedAt: Date.UTC(2023, 4, 2, 8, 14, 52),
        total: '52.9',
        currency: 'EUR',
        tax: '0',
        shipping: '4.9',
        discount: '0',
        coupon: undefined,
        name: '#1001',
        items: [
          { productId: 'TEA-SEN-100', name: 'Sencha 100g', variant: undefined, price: '12', quantity: 2 },
          { productId: 'POT-CI-1', name: 'Teapot, cast iron', variant: undefined, price: '24', quantity: 1 },
        ],
        buyer: { customerId: undefined, email: 'ada@example.com', visitorId: 'v-aaa111' },
      },
      expect.objectContaining({ orderId: '5100000000002', total: '30', coupon: 'SUMMER' }),
    ]);
    expect(orders[1]!.refund).toMatchObject({ refundId: 'order:5100000000002', amount: '10' });
    expect(skipped).toEqual([expect.objectContaining({ line: 6, kind: 'left_out', reason: expect.stringContaining('voided') })]);
  });
});

describe('WooCommerce order export', () => {
  it('reads the exporter columns and leaves out orders never placed', () => {
    const { orders, skipped } = read('woocommerce-csv', fixture('woocommerce-orders-export.csv'));
    expect(orders.map((o) => [o.order.orderId, o.order.total, o.order.buyer.customerId, o.order.items[0]?.price, o.refund?.amount])).toEqual([
      ['2001', '24.95', '17', '10', undefined],
      ['2002', '12', '0', '12', '12'],
    ]);
    expect(skipped).toEqual([expect.objectContaining({ line: 4, kind: 'left_out' })]);
  });
});

describe('CDNOW log', () => {
  it('makes each record an order of its customer, numbering several of one day', () => {
    const text = ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970101  1   11.77\r\n 00021 0002 19970102  3   63.34\r\nnot a record\r\n';
    const { orders, skipped } = read('cdnow', text);
    expect(
      orders.map((o) => [o.order.orderId, o.order.buyer.customerId, o.order.placedAt, o.order.total, o.order.currency, o.order.items[0]?.quantity]),
    ).toEqual([
      ['00004-19970101-1', '00004', Date.UTC(1997, 0, 1), '29.33', 'USD', 2],
      ['00004-19970101-2', '00004', Date.UTC(1997, 0, 1), '11.77', 'USD', 1],
      ['00021-19970102-1', '00021', Date.UTC(1997, 0, 2), '63.34', 'USD', 3],
    ]);
    expect(skipped).toEqual([expect.objectContaining({ line: 4, kind: 'unreadable' })]);
  });
});

describe('NDJSON', () => {
  it('reads one order line per JSON object, mapped like a CSV', () => {
    const text =
      '{"id":"n1","created_at":"2020-01-01","total":9.5,"currency":"GBP","spoor_visitor_id":"v-9"}\n[1]\n{"id":"n2","created_at":"2020-01-02","total":"3","currency":"GBP"}\n';
    const { orders, skipped } = read('ndjson', text, { map: 'id=order_id' });
    expect(orders.map((o) => [o.order.orderId, o.order.total, o.order.buyer.visitorId])).toEqual([
      ['n1', '9.5', 'v-9'],
      ['n2', '3', undefined],
    ]);
    expect(skipped).toEqual([expect.objectContaining({ line: 2, reason: 'not a JSON object' })]);
  });
});
