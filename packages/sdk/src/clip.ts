// Cuts an event down to the collector's limits, so an over-long title or a huge cart is sent
// shortened rather than refused. Pure: unit-tested in test/clip.test.ts.
import { MAX_ELEMENT_TEXT, MAX_EVENT_BYTES, MAX_ITEMS, MAX_KEY, MAX_NAME, MAX_PROPS, MAX_URL, MAX_VALUE } from './limits.js';
import { byteLength, cut } from './util.js';

type Json = string | number | boolean | null | undefined | Json[] | { [k: string]: Json };

const FORBIDDEN = /^(__proto__|constructor|prototype)$/;
const URL_FIELD = /^(url|referrer|href)$/;

/**
 * The event within the wire limits, or undefined when even the tightest cut does not fit.
 * Each pass cuts strings and arrays to a quarter of the previous one.
 */
export function clip<T extends object>(event: T): T | undefined {
  for (let maxStr = MAX_URL, maxArr = MAX_ITEMS; maxStr > 8; maxStr >>= 2, maxArr >>= 2) {
    // `depth` 1 is a field of the event itself, where `name` is the event name.
    const walk = (v: Json, key: string, depth: number): Json => {
      // Ids are left alone (a cut id would be another id; the collector refuses those with a
      // clear reason), labels get MAX_NAME, other text MAX_VALUE.
      if (typeof v === 'string') {
        return cut(
          v,
          Math.min(
            URL_FIELD.test(key) ? MAX_URL : key === 'text' ? MAX_ELEMENT_TEXT : (depth === 1 && key === 'name') || key === 'coupon' ? MAX_NAME : MAX_VALUE,
            maxStr,
          ),
        );
      }
      if (typeof v === 'number') return isFinite(v) ? v : undefined;
      if (!v || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.slice(0, maxArr).map((x) => walk(x, key, depth));
      // props and traits are flat maps of primitives: anything nested is sent as its JSON text.
      const flat = key === 'props' || key === 'traits';
      const out: Record<string, Json> = {};
      let n = 0;
      for (const k in v) {
        if (FORBIDDEN.test(k) || (flat && ++n > MAX_PROPS)) continue;
        let x = v[k];
        if (flat && x && typeof x === 'object') x = JSON.stringify(x);
        out[flat ? cut(k, MAX_KEY) : k] = walk(x, flat ? '' : k, depth + 1);
      }
      return out;
    };
    const out = walk(event as Json, '', 0);
    if (byteLength(JSON.stringify(out)) <= MAX_EVENT_BYTES) return out as T;
  }
}
