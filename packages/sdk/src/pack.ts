// Splits queued events into batches that the collector and the browser both accept: at most
// `maxEvents` events and `maxBytes` bytes of JSON each. Pure: unit-tested in test/pack.test.ts.
import { byteLength } from './util.js';

export function pack<T>(events: T[], maxEvents: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const e of events) {
    const n = byteLength(JSON.stringify(e)) + 1; // the comma
    // A batch starts with the first event, or when the next one would not fit.
    if (!cur.length || cur.length >= maxEvents || size + n > maxBytes) {
      out.push((cur = []));
      size = 0;
    }
    cur.push(e);
    size += n;
  }
  return out;
}
