// The CDNOW purchase log (the BG/NBD paper's data set, in ../shared/data/cdnow beside the
// repository): parsed records, the figures the papers published for it, and its orders as a shop's
// backend would send them (wire-format purchase events, dates optionally moved to recent years).
// The file itself goes in with `spoor import orders FILE --format cdnow`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpoorEventInput } from '@spoor/events';

/** The sample file: SPOOR_CDNOW, else ../shared/data/cdnow/CDNOW_sample.txt beside the repository. */
export function cdnowFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPOOR_CDNOW ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cdnow/CDNOW_sample.txt');
}

export function readCdnow(file: string = cdnowFile()): CdnowRecord[] {
  if (!existsSync(file)) throw new Error(`the CDNOW sample is not at ${file} (set SPOOR_CDNOW to its path)`);
  return parseCdnow(readFileSync(file, 'utf8'));
}

/** The calibration period ends with this day (39 weeks from 1997-01-01); the holdout runs to 1998-06-30. */
export const CDNOW_CALIBRATION_END = '1997-09-30';

/** Fader, Hardie & Lee (2005) for BG/NBD; Fader & Hardie (2013) for the spend model. */
export const CDNOW_PUBLISHED = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  logLikelihood: -9582.4,
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  customers: 2357,
  repeatBuyers: 946,
} as const;

export interface CdnowRecord {
  /** Position in the file, from 1: each record is one order. */
  line: number;
  /** Customer id in the full CDNOW data set, as written (5 digits): what `spoor import orders --format cdnow` keys by. */
  id: string;
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
    const [full, id, ymd, units, value] = line.split(/\s+/);
    if (!full || !id || !ymd || !/^\d{8}$/.test(ymd) || !units || !value || !/^\d+(\.\d+)?$/.test(value)) {
      throw new Error(`CDNOW line ${i + 1} is not "id id YYYYMMDD units value": ${line}`);
    }
    out.push({
      line: i + 1,
      id: full,
      customer: String(Number(id)),
      date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      units: Number(units),
      value,
    });
  });
  return out;
}

/**
 * Days the 1997–98 dates are moved forward (1997-01-01 → 2025-01-01) where a check needs recent
 * orders (predictions as of today, the prediction segments). 10,227 days are exactly 1,461 weeks,
 * and both spans avoid 29 February in the same way, so every gap, weekday and the 39-week
 * calibration survive: 1997-09-30 becomes 2025-09-30, 1998-06-30 becomes 2026-06-30.
 */
export const CDNOW_SHIFT_DAYS = 10_227;

/** The date moved by `days`. */
export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface CdnowEventOptions {
  /** Days every date is moved by. @defaultValue 0 (the file's own dates) */
  shiftDays?: number;
}

/**
 * One purchase event per record, at noon UTC of its (moved) day, as a shop's backend sends its
 * orders to `POST /v1/server/batch`: the customer keyed by the 5-digit id, as
 * `spoor import orders --format cdnow` keys it, with the stand-in visitor `c:<id>`.
 */
export function cdnowPurchaseEvents(records: readonly CdnowRecord[], opts: CdnowEventOptions = {}): SpoorEventInput[] {
  const shift = opts.shiftDays ?? 0;
  return records.map((r) => ({
    event_id: `00000000-0000-4000-8000-${r.line.toString(16).padStart(12, '0')}`,
    type: 'purchase',
    ts: Date.parse(`${shiftDate(r.date, shift)}T12:00:00Z`),
    visitor_id: `c:${r.id}`,
    user_id: r.id,
    order: {
      order_id: `order-${r.line}`,
      revenue: r.value,
      currency: 'USD',
      items: [{ id: 'cd', name: 'CD', price: (Number(r.value) / Math.max(r.units, 1)).toFixed(4), quantity: r.units }],
    },
  }));
}
