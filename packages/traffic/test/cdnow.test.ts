// The CDNOW sample as a shop's orders: parsing, the date shift that keeps every gap and weekday,
// and events the wire format accepts, keyed as the import keys the file.
import { describe, expect, it } from 'vitest';
import { validateEvent } from '@spoor/events';
import { CDNOW_SHIFT_DAYS, cdnowPurchaseEvents, parseCdnow, readCdnow, shiftDate } from '../src/index.js';

const SAMPLE = ' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00021 0002 19970101  3   63.34\n';

describe('CDNOW', () => {
  it('parses the whitespace-separated records, one order each', () => {
    expect(parseCdnow(SAMPLE)).toEqual([
      { line: 1, id: '00004', customer: '1', date: '1997-01-01', units: 2, value: '29.33' },
      { line: 2, id: '00004', customer: '1', date: '1997-01-18', units: 2, value: '29.73' },
      { line: 3, id: '00021', customer: '2', date: '1997-01-01', units: 3, value: '63.34' },
    ]);
    expect(() => parseCdnow(' 00004 0001 1997-01-01 2 29.33\n')).toThrow('CDNOW line 1 is not');
  });

  it('reads the whole sample: 6,919 orders of 2,357 customers', () => {
    const records = readCdnow();
    expect(records).toHaveLength(6919);
    expect(new Set(records.map((r) => r.customer)).size).toBe(2357);
  });

  it('moves the dates by whole weeks, past the wire format’s floor, keeping the calibration and holdout ends', () => {
    expect(CDNOW_SHIFT_DAYS % 7).toBe(0);
    expect(shiftDate('1997-01-01', CDNOW_SHIFT_DAYS)).toBe('2025-01-01');
    expect(shiftDate('1997-09-30', CDNOW_SHIFT_DAYS)).toBe('2025-09-30');
    expect(shiftDate('1998-06-30', CDNOW_SHIFT_DAYS)).toBe('2026-06-30');
    expect(new Date('1997-03-15').getUTCDay()).toBe(new Date(shiftDate('1997-03-15', CDNOW_SHIFT_DAYS)).getUTCDay());
  });

  it('makes purchase events the wire format accepts, keyed by the 5-digit id, on the file’s dates or moved ones', () => {
    const events = cdnowPurchaseEvents(parseCdnow(SAMPLE));
    for (const [i, e] of events.entries()) expect(validateEvent(e, i).ok).toBe(true);
    expect(events[0]).toMatchObject({
      type: 'purchase',
      ts: Date.parse('1997-01-01T12:00:00Z'),
      visitor_id: 'c:00004',
      user_id: '00004',
      order: { order_id: 'order-1', revenue: '29.33' },
    });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(3);
    const moved = cdnowPurchaseEvents(parseCdnow(SAMPLE), { shiftDays: CDNOW_SHIFT_DAYS });
    expect(moved.map((e) => e.ts)).toEqual(['2025-01-01', '2025-01-18', '2025-01-01'].map((d) => Date.parse(`${d}T12:00:00Z`)));
    for (const [i, e] of moved.entries()) expect(validateEvent(e, i).ok).toBe(true);
  });
});
