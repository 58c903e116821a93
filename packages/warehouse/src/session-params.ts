// Query parameters set on a connection (`SET param_x = '…'`) instead of bound per call. chdb runs
// the bound calls of a whole process one at a time (its parameter state is not per connection),
// so a lookup bound per call waits behind every other bound query of the process. A parameter set
// on a connection is still parsed by the engine by its placeholder's type, from the text form a
// ClickHouse server takes in `param_x=…` over HTTP; the value is never part of the query text.
import { quoteString } from './sql.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` can be a `{name:Type}` placeholder, so `param_<name>` is a setting name. */
export const isParamName = (name: string): boolean => NAME.test(name);

/**
 * `SET param_a = '…', …` for values already in the engine's text form (names checked by the
 * caller with isParamName): the one way a session is given its parameters, here and over HTTP.
 */
export function setParamsSql(values: Iterable<readonly [string, string]>): string {
  return `SET ${Array.from(values, ([name, text]) => `param_${name} = ${quoteString(text)}`).join(', ')}`;
}

/** The `{name:Type}` placeholders a statement uses. */
export function placeholders(sql: string): string[] {
  return [...new Set([...sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!))];
}

/** Backslash escapes of the engine's text formats, for what would end or start one. */
function escapeText(s: string, quote: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\0';
    else out += ch;
  }
  return out;
}

/**
 * A value's text form (a String as the escaped text, an array as `['a','b']`), or undefined for a
 * value this path does not write (the caller binds it per call instead).
 */
export function paramText(value: unknown): string | undefined {
  if (typeof value === 'string') return escapeText(value, '');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const v of value as unknown[]) {
      if (typeof v === 'string') items.push(`'${escapeText(v, "'")}'`);
      else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') items.push(String(v));
      else return undefined;
    }
    return `[${items.join(',')}]`;
  }
  return undefined;
}

/**
 * `SET param_a = '…', …` for every placeholder of `sql`; undefined when one of the values has no
 * text form here. A placeholder without a value is an error: a connection keeps what an earlier
 * statement set, and a lookup must never run with another lookup's value.
 */
export function setParamsStatement(sql: string, params: Record<string, unknown>): string | undefined {
  const values: Array<[string, string]> = [];
  for (const name of placeholders(sql)) {
    if (!isParamName(name)) throw new Error(`invalid query parameter name ${JSON.stringify(name)}`);
    if (!Object.prototype.hasOwnProperty.call(params, name)) throw new Error(`query parameter ${name} has no value`);
    const text = paramText(params[name]);
    if (text === undefined) return undefined;
    values.push([name, text]);
  }
  return values.length > 0 ? setParamsSql(values) : '';
}
