// The one size guard the SDK keeps (the collector cuts each field to its own limit and flags the
// event `clipped`): an event over the collector's 32 KiB would be refused whole, and one over the
// 60 KiB request budget could never leave by keepalive or beacon. Pure: test/unit/delivery-parts.
import { MAX_BODY_BYTES, MAX_EVENT_BYTES } from './limits.js';
import { byteLength } from './util.js';

/**
 * A copy of `e` (as JSON makes it) within 32 KiB: if it is over, every string is cut to 2048,
 * then 512, then 128 characters and every list to a tenth of that, until it fits (never under 128,
 * so no id within its limit is cut; a cut through an emoji the collector repairs). Undefined when
 * even that is over the request budget.
 */
export function fit<T>(e: T): T | undefined {
  let j = JSON.stringify(e);
  for (let n = 2048; n > 99 && byteLength(j) > MAX_EVENT_BYTES; n /= 4) {
    j = JSON.stringify(e, (_, v: unknown) => (typeof v == 'string' || Array.isArray(v) ? v.slice(0, typeof v == 'string' ? n : n / 10) : v));
  }
  return byteLength(j) < MAX_BODY_BYTES - 512 ? (JSON.parse(j) as T) : undefined;
}
