// RFC 4180 CSV records from text that arrives in chunks: quoted fields may hold commas, doubled
// quotes and line breaks; records end at CR LF or LF. Each record says the line it started on, so
// a bad one is reported where a person finds it in an editor.

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the record's first character. */
  line: number;
  /** Set when the record cannot be read (a quote opened and never closed). */
  error?: string;
}

export class CsvReader {
  private rest = '';
  private line = 1;
  private first = true;
  /** Next quote at or after the scan position in the current text: -1 none, -2 not looked for yet. */
  private quoteAt = -2;

  /** The complete records in `chunk` (with what was left of the previous one). */
  push(chunk: string): CsvRecord[] {
    let text = this.rest + chunk;
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
      this.first = false;
    }
    const out: CsvRecord[] = [];
    let start = 0;
    this.quoteAt = -2;
    for (;;) {
      const r = this.record(text, start, false);
      if (!r) break;
      out.push(r.record);
      start = r.next;
    }
    this.rest = text.slice(start);
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): CsvRecord[] {
    const text = this.rest;
    this.rest = '';
    this.quoteAt = -2;
    if (text.length === 0) return [];
    const r = this.record(text, 0, true);
    return r ? [r.record] : [];
  }

  private record(text: string, start: number, atEnd: boolean): { record: CsvRecord; next: number } | undefined {
    const nl = text.indexOf('\n', start);
    // Looked up once and reused while the scan has not passed it: a file without quotes is then
    // searched for them once per chunk, not once per line.
    if (this.quoteAt === -2 || (this.quoteAt >= 0 && this.quoteAt < start)) this.quoteAt = text.indexOf('"', start);
    const quote = this.quoteAt;
    // The common case: a whole line without quotes.
    if (nl >= 0 && (quote < 0 || quote > nl)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const record = { fields: text.slice(start, end).split(','), line: this.line };
      this.line++;
      return { record, next: nl + 1 };
    }
    if (nl < 0 && quote < 0) {
      if (!atEnd) return undefined;
      const end = text.endsWith('\r') ? text.length - 1 : text.length;
      return { record: { fields: text.slice(start, end).split(','), line: this.line }, next: text.length };
    }
    return this.quoted(text, start, atEnd);
  }

  private quoted(text: string, start: number, atEnd: boolean): { record: CsvRecord; next: number } | undefined {
    const fields: string[] = [];
    let field = '';
    let i = start;
    let inQuotes = false;
    let breaks = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          if (i + 1 >= text.length && !atEnd) return undefined; // a doubled quote may follow in the next chunk
          inQuotes = false;
          i++;
          continue;
        }
        if (ch === '\n') breaks++;
        field += ch;
        i++;
        continue;
      }
      if (ch === '"' && field.length === 0) {
        inQuotes = true;
        i++;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
        fields.push(field);
        const record = { fields, line: this.line };
        this.line += breaks + 1;
        return { record, next: i + (ch === '\r' ? 2 : 1) };
      } else if (ch === '\r' && i + 1 >= text.length && !atEnd) {
        return undefined;
      } else {
        field += ch;
        i++;
      }
    }
    if (!atEnd) return undefined;
    fields.push(field.endsWith('\r') && !inQuotes ? field.slice(0, -1) : field);
    const record: CsvRecord = { fields, line: this.line, ...(inQuotes ? { error: 'a quoted field is never closed (the rest of the file is inside it)' } : {}) };
    this.line += breaks + 1;
    return { record, next: text.length };
  }
}
