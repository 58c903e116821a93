// How values read from ClickHouse become the contract's JSON: times as ISO 8601 (UTC), money as
// decimal strings with two places, never through a float where digits could be lost.

/** `2026-11-30 18:00:00.000` (a DateTime64 in UTC, as JSONEachRow writes it) → ISO 8601; the epoch → null. */
export function isoTime(value: string | null | undefined): string | null {
  if (!value || value.startsWith('1970-01-01 00:00:00')) return null;
  return new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}

/** A Decimal read as text (`toString(x)` or `toDecimalString(x, 2)`) with exactly two places. */
export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '0.00';
  const s = String(value);
  const negative = s.startsWith('-');
  const [int = '0', frac = ''] = s.replace('-', '').split('.');
  // Half away from zero on the third place, as ClickHouse's round() does for the view's figures.
  let cents = BigInt(int) * 100n + BigInt((frac + '00').slice(0, 2));
  if (Number(frac[2] ?? '0') >= 5) cents += 1n;
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return negative && cents !== 0n ? `-${text}` : text;
}
