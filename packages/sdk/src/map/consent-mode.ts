// Which Google Consent Mode default applies to this visitor. Pure: unit-tested in
// test/unit/map-consent.test.ts.

export interface ConsentDefault {
  /** analytics_storage was 'granted'. */
  granted: boolean;
  /** ISO 3166-1 / 3166-2 codes ('ES', 'US-AK'); empty: everywhere. */
  regions: string[];
  /** wait_for_update, ms. */
  wait: number;
}

/** How well a default's regions fit the visitor's: -1 not at all, 0 global, 1 country, 2 subdivision. */
const fit = (regions: string[], region: string | undefined): number =>
  !regions.length
    ? 0
    : // Where the visitor is cannot be known in the browser (gtag asks Google's servers): a regional
      // default is then taken to apply, so a refusal meant for the EEA is never missed.
      !region
      ? 1
      : regions.reduce((best, x) => {
          const r = String(x).toUpperCase();
          return Math.max(best, r === region ? (r.includes('-') ? 2 : 1) : region.startsWith(`${r}-`) ? 1 : -1);
        }, -1);

/**
 * The default that applies: the most specific region wins (as in gtag); among equally specific
 * ones a refusal wins, waiting the longest of their `wait_for_update`.
 */
export function applicableDefault(defaults: ConsentDefault[], region?: string): ConsentDefault | undefined {
  const r = region?.toUpperCase();
  let best = 0;
  let out: ConsentDefault | undefined;
  for (const d of defaults) {
    const f = fit(d.regions, r);
    if (f < best) continue; // no fit at all (-1), or less specific than one already found
    if (f > best || !out) out = { ...d };
    else if (!d.granted) out = { granted: false, regions: d.regions, wait: Math.max(out.granted ? 0 : out.wait, d.wait) };
    best = f;
  }
  return out;
}
