// Order times as export files write them. A time without an offset is UTC.
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d\d:?\d\d)?$/i;
const COMPACT = /^(\d{4})(\d\d)(\d\d)$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d\d)(?::(\d\d))?)?$/;

/**
 * Epoch ms of `2024-03-01T10:00:00Z`, `2024-03-01 10:00:00 +0100` (Shopify's exports),
 * `2024-03-01`, `20240301` (the CDNOW log), `3/1/2024 10:00` (month first, as US exporters
 * write it), or epoch seconds or milliseconds. Undefined for anything else.
 */
export function parseOrderTime(text: string): number | undefined {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
    const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +sec, Number((frac + '000').slice(0, 3)));
    if (!validDate(ms, +y!, +mo!, +d!)) return undefined;
    return ms - offsetMs(zone);
  }
  m = COMPACT.exec(s);
  if (m) {
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
    return validDate(ms, +m[1]!, +m[2]!, +m[3]!) ? ms : undefined;
  }
  m = US.exec(s);
  if (m) {
    const [, mo, d, y, h = '0', mi = '0', sec = '0'] = m;
    const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +sec);
    return validDate(ms, +y!, +mo!, +d!) ? ms : undefined;
  }
  if (/^\d{9,13}$/.test(s)) return s.length <= 10 ? Number(s) * 1000 : Number(s);
  return undefined;
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** Rejects 2024-02-31 and the like, which Date.UTC would roll over. */
function validDate(ms: number, y: number, mo: number, d: number): boolean {
  const date = new Date(ms);
  return Number.isFinite(ms) && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
