// Durations as marketers write them (`30m`, `1h`, `7d`, `2w`; `s` for seconds), turned into milliseconds.

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export const DURATION_PATTERN = /^([1-9][0-9]{0,7})(s|m|h|d|w)$/;
/** Ten years: a window longer than that is a typo, not a rule. */
const MAX_MS = 3_650 * UNITS.d;

/** Milliseconds of a duration such as `7d`, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
  return ms <= MAX_MS ? ms : undefined;
}

/** A label safe for column names: `7d`, `30m`. */
export function durationLabel(text: string): string {
  return text.replace(/[^a-z0-9]/g, '');
}
