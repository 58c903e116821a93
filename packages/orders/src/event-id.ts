// Event ids derived from what an event is (site, kind, the order or refund it records), so an
// order sent twice, by a webhook and again by an import, is the same event every time.
import { createHash } from 'node:crypto';

/** A UUID (version 5 layout) from SHA-256 of the parts: stable, and distinct per site and kind. */
export function stableEventId(site: string, kind: 'purchase' | 'refund', id: string): string {
  const h = createHash('sha256').update(`spoor\0${site}\0${kind}\0${id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
