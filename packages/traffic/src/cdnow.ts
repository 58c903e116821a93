// The CDNOW purchase log (the BG/NBD paper's data set, /work/shared/data/cdnow) as a shop's
// orders: parsed records, purchase events in the wire format, and the generic order CSV of
// `spoor import orders`.
import type { SpoorEventInput } from '@spoor/events';

export interface CdnowRecord {
  /** Position in the file, from 1: each record is one order. */
  line: number;
  /** Customer id within the sample (1 to 2357). */
  customer: string;
  /** YYYY-MM-DD. */
  date: string;
  units: number;
  /** Dollar value as written in the file. */
  value: string;
}

/** Whitespace-separated columns: full-set id, sample id, YYYYMMDD, CDs bought, dollar value. */
export function parseCdnow(text: string): CdnowRecord[] {
  const out: CdnowRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const [, id, ymd, units, value] = line.split(/\s+/);
    if (!id || !ymd || !/^\d{8}$/.test(ymd) || !units || !value || !/^\d+(\.\d+)?$/.test(value)) {
      throw new Error(`CDNOW line ${i + 1} is not "id id YYYYMMDD units value": ${line}`);
    }
    out.push({ line: i + 1, customer: String(Number(id)), date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, units: Number(units), value });
  });
  return out;
}

/**
 * Days the 1997–98 dates are moved forward (1997-01-01 → 2025-01-01) so that they pass the wire
 * format, which refuses times before 2000. 10,227 days are exactly 1,461 weeks, and both spans
 * avoid 29 February in the same way, so every gap, weekday and the 39-week calibration survive:
 * 1997-09-30 becomes 2025-09-30, 1998-06-30 becomes 2026-06-30.
 */
export const CDNOW_SHIFT_DAYS = 10_227;

/** The date moved by `days`. */
export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface CdnowEventOptions {
  /** @defaultValue CDNOW_SHIFT_DAYS */
  shiftDays?: number;
  /** Customer ids become `${prefix}${id}`. @defaultValue `cdnow-` */
  prefix?: string;
}

/** One purchase event per record, at noon UTC of its (shifted) day, as a shop backend would send it. */
export function cdnowPurchaseEvents(records: readonly CdnowRecord[], opts: CdnowEventOptions = {}): SpoorEventInput[] {
  const shift = opts.shiftDays ?? CDNOW_SHIFT_DAYS;
  const prefix = opts.prefix ?? 'cdnow-';
  return records.map((r) => {
    const customer = `${prefix}${r.customer}`;
    return {
      event_id: `00000000-0000-4000-8000-${r.line.toString(16).padStart(12, '0')}`,
      type: 'purchase',
      ts: Date.parse(`${shiftDate(r.date, shift)}T12:00:00Z`),
      visitor_id: customer,
      user_id: customer,
      order: {
        order_id: `${prefix}order-${r.line}`,
        revenue: r.value,
        currency: 'USD',
        items: [{ id: 'cd', name: 'CD', price: (Number(r.value) / Math.max(r.units, 1)).toFixed(4), quantity: r.units }],
      },
    };
  });
}

/** The records in the generic CSV of `spoor import orders` (docs: order_id, customer_id, created_at, total, ...). */
export function cdnowOrdersCsv(records: readonly CdnowRecord[], opts: CdnowEventOptions = {}): string {
  const shift = opts.shiftDays ?? CDNOW_SHIFT_DAYS;
  const prefix = opts.prefix ?? 'cdnow-';
  const lines = ['order_id,customer_id,email,created_at,total,currency,product_id,quantity,price,refund'];
  for (const r of records) {
    const price = (Number(r.value) / Math.max(r.units, 1)).toFixed(4);
    lines.push(`${prefix}order-${r.line},${prefix}${r.customer},,${shiftDate(r.date, shift)}T12:00:00Z,${r.value},USD,cd,${r.units},${price},`);
  }
  return `${lines.join('\n')}\n`;
}
