// `param_*` values of the HTTP protocol turned into values for chdb's parameter binding.
//
// Over HTTP a parameter is text in ClickHouse's "escaped" format (`it\'s`, `['a','b']`, `\N`), which
// the server parses as the placeholder's type. chdb's binder takes JS values and escapes strings
// itself, so the text is decoded here into the JS value that chdb turns back into the same text:
// a string without escapes passes as it is, an escaped scalar is unescaped, and an escaped composite
// literal is parsed into arrays, tuples and maps.
import { ClickHouseHttpError } from './errors.js';

/** chdb recognises tuples by this constructor name (the one @clickhouse/client uses). */
class TupleParam {
  constructor(readonly values: unknown[]) {}
}

/** `{name:Type}` placeholders of a statement, so each value is decoded for its type. */
export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  const re = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    // The type may hold parentheses and commas; read to the matching `}`.
    let depth = 0;
    let j = re.lastIndex;
    for (; j < sql.length; j++) {
      const c = sql[j];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '}' && depth <= 0) break;
    }
    types.set(m[1]!, sql.slice(re.lastIndex, j).trim());
  }
  return types;
}

// chdb escapes exactly these when it binds a string, so text free of them round-trips unchanged.
const CHDB_ESCAPED = /[\\\0\b\f\n\r\t]/;

export function bindValue(raw: string, type: string | undefined): unknown {
  if (raw === '\\N') return null;
  if (!CHDB_ESCAPED.test(raw)) return raw;
  if (type && isComposite(type)) {
    try {
      return new LiteralParser(raw).parseWhole();
    } catch {
      throw ClickHouseHttpError.of('BAD_QUERY_PARAMETER', `Value ${raw} cannot be parsed as ${type} for query parameter`);
    }
  }
  return unescape(raw);
}

function isComposite(type: string): boolean {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/s.exec(t);
    if (!m) break;
    t = m[2]!.trim();
  }
  return /^(Array|Tuple|Map|Nested)\(/.test(t);
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', a: '\x07', '0': '\0', e: '\x1b' };

/** Decodes ClickHouse escape sequences; an unknown `\c` keeps its backslash, as the engine does. */
export function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const d = s[++i]!;
    if (d in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[d];
    else if (d === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if ('\\\'"`/=?'.includes(d)) out += d;
    else out += `\\${d}`;
  }
  return out;
}

/** Parses array / tuple / map literals with quoted strings, numbers, NULL and booleans. */
class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseWhole(): unknown {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) throw new Error('trailing text');
    return v;
  }

  private ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.list('[', ']');
    if (c === '(') return new TupleParam(this.list('(', ')'));
    if (c === '{') return this.map();
    if (c === "'") return this.string();
    const m = /^[^,\]\)\}:\s]+/.exec(this.s.slice(this.i));
    if (!m) throw new Error('unexpected character');
    this.i += m[0].length;
    const word = m[0];
    if (/^null$/i.test(word) || word === '\\N') return null;
    if (/^true$/i.test(word)) return true;
    if (/^false$/i.test(word)) return false;
    if (/^[+-]?\d+$/.test(word)) return BigInt(word);
    const n = Number(word);
    if (!Number.isNaN(n)) return n;
    throw new Error(`unexpected ${word}`);
  }

  private list(open: string, close: string): unknown[] {
    this.i++;
    const items: unknown[] = [];
    this.ws();
    if (this.s[this.i] === close) {
      this.i++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === close) return items;
      if (c !== ',') throw new Error(`expected , or ${close}`);
    }
  }

  private map(): Map<unknown, unknown> {
    this.i++;
    const m = new Map<unknown, unknown>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return m;
    }
    for (;;) {
      const k = this.value();
      this.ws();
      if (this.s[this.i++] !== ':') throw new Error('expected :');
      m.set(k, this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return m;
      if (c !== ',') throw new Error('expected , or }');
    }
  }

  private string(): string {
    let raw = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\' && this.i + 1 < this.s.length) {
        raw += c + this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === "'") {
        this.i++;
        return unescape(raw);
      }
      raw += c;
      this.i++;
    }
    throw new Error('unterminated string');
  }
}
