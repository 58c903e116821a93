// Text the warehouse can store. A JavaScript string may hold a UTF-16 surrogate without its pair (a
// `\ud800` JSON escape, or an emoji cut in half); such a string has no UTF-8 form, and ClickHouse
// refuses the whole row holding one. The collector repairs them before it answers (each becomes
// U+FFFD, as the WHATWG encoders do), and every cut of visitor text keeps pairs whole.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Whether a JSON text can decode to a lone surrogate: only a `\uD800`–`\uDFFF` escape can produce
 * one (UTF-8 bytes decode to well-formed text), so most bodies skip the repair walk.
 */
export function mayHoldLoneSurrogates(jsonText: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(jsonText);
}

/** The string with each lone surrogate replaced by U+FFFD. */
export function wellFormedText(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Repairs every string (keys too) of a parsed JSON value in place, without recursion so hostile
 * nesting cannot overflow the stack. Returns how many strings changed. Keys are re-inserted under
 * their repaired name, so a later key of the same repaired name wins, as in JSON.parse.
 */
export function repairLoneSurrogates(root: unknown): number {
  let repaired = 0;
  const fix = (s: string) => {
    const out = wellFormedText(s);
    if (out !== s) repaired++;
    return out;
  };
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') v[i] = fix(x);
        else if (x !== null && typeof x === 'object') stack.push(x);
      }
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const x = o[key];
      const k = fix(key);
      if (k !== key) delete o[key];
      if (typeof x === 'string') o[k] = fix(x);
      else {
        o[k] = x;
        if (x !== null && typeof x === 'object') stack.push(x);
      }
    }
  }
  return repaired;
}

/** At most `max` UTF-16 units of `s`, one fewer when the cut would leave half a surrogate pair. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * Length in Unicode code points, a surrogate pair counting once: how zod measures a string's
 * `max`, so a text of emoji may have up to twice as many UTF-16 units as its limit.
 */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}
