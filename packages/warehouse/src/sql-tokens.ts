// A small SQL tokenizer: keywords, identifiers, literals and parenthesis depth, with offsets. Used on
// the engine's canonical text (formatQuery output) by the HTTP interface's read-only checks, and on
// Spoor's own migration templates by the cluster renderer; never as a security check on raw client text.

export type TokenKind = 'word' | 'quoted_ident' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Identifier or keyword as written; the unquoted name for quoted identifiers; the decoded text of strings. */
  text: string;
  /** Parenthesis depth at the token (0 = top level of the statement). */
  depth: number;
  /** Offsets of the token in the text: `sql.slice(start, end)` is the token as written. */
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // Comments cannot occur in formatter output; skipped conservatively all the same.
    if (c === '-' && sql[i + 1] === '-') {
      i = skipLine(sql, i);
      continue;
    }
    if (c === '#') {
      i = skipLine(sql, i);
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
      continue;
    }
    if (c === "'" || c === '`' || c === '"') {
      const { text, end } = readQuoted(sql, i, c);
      out.push({ kind: c === "'" ? 'string' : 'quoted_ident', text, depth, start: i, end });
      i = end;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z0-9_]*)\$/.exec(sql.slice(i));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        const end = close < 0 ? n : close + m[0].length;
        out.push({ kind: 'string', text: sql.slice(i + m[0].length, close < 0 ? n : close), depth, start: i, end });
        i = end;
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j), depth, start: i, end: j });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) j++;
      out.push({ kind: 'number', text: sql.slice(i, j), depth, start: i, end: j });
      i = j;
      continue;
    }
    if (c === '(' || c === '[') {
      out.push({ kind: 'punct', text: c, depth, start: i, end: i + 1 });
      depth++;
      i++;
      continue;
    }
    if (c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
      out.push({ kind: 'punct', text: c, depth, start: i, end: i + 1 });
      i++;
      continue;
    }
    out.push({ kind: 'punct', text: c, depth, start: i, end: i + 1 });
    i++;
  }
  return out;
}

function skipLine(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i);
  return nl < 0 ? sql.length : nl + 1;
}

function skipBlockComment(sql: string, i: number): number {
  // ClickHouse nests block comments.
  let level = 0;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      level++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      level--;
      i += 2;
      if (level === 0) return i;
    } else i++;
  }
  return i;
}

function readQuoted(sql: string, start: number, quote: string): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\' && i + 1 < sql.length) {
      text += sql[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        text += quote;
        i += 2;
        continue;
      }
      return { text, end: i + 1 };
    }
    text += c;
    i++;
  }
  return { text, end: i };
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return !!t && t.kind === 'word' && words.includes(t.text.toUpperCase());
}
