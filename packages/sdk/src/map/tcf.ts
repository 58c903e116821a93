// Whether an IAB TCF v2.2 TCData allows Spoor to store ids. Pure: unit-tested in
// test/unit/map-consent.test.ts.

export interface TcData {
  gdprApplies?: boolean;
  eventStatus?: string;
  purpose?: { consents?: Record<string, boolean>; legitimateInterests?: Record<string, boolean> };
}

/** Purpose ids from a `data-tcf-*` list such as "8,9". */
export const purposes = (v: unknown, fallback: string): string[] =>
  String(v ?? fallback)
    .split(/[\s,]+/)
    .filter(Boolean);

/**
 * undefined for events that are not a decision (TCF says to act on `tcloaded` and
 * `useractioncomplete` only); otherwise whether every storage purpose (default 1, "store and/or
 * access information on a device") has consent and every measurement purpose (default 8 and 9,
 * "measure content performance", "understand audiences through statistics") has consent or a
 * legitimate interest the visitor has not objected to. Outside the GDPR, the TCF asks nothing.
 */
export function tcfAllows(tc: TcData | null | undefined, storage: string[], measurement: string[]): boolean | undefined {
  if (!tc || (tc.eventStatus !== 'tcloaded' && tc.eventStatus !== 'useractioncomplete')) return;
  if (tc.gdprApplies === false) return true;
  const c = tc.purpose?.consents ?? {};
  const li = tc.purpose?.legitimateInterests ?? {};
  return storage.every((p) => c[p] === true) && measurement.every((p) => c[p] === true || li[p] === true);
}
