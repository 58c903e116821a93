// Reads the engine's CSV lines (csv-sql.ts) as text, with bounded memory, the two ways rows.ts
// reads rows: scratch-table pages on the embedded engine, one streamed answer from a server. The
// bytes are decoded a whole line at a time, so text that is not UTF-8 becomes the same
// replacement characters the row path's decoding of each JSON line gives.
import type { Warehouse } from '@spoor/warehouse';
import type { Statement } from '../queries.js';
import { DEFAULT_PAGE, scratchPages, type ReadMode } from './rows.js';

/** Some whole lines of the file, and how many rows they are. */
export interface CsvPiece {
  text: string;
  rows: number;
}

const FORMAT = 'TabSeparatedRaw';
/** What a server frames an error after the first bytes with (its tag follows). */
const EXCEPTION_MARKER = '\r\n__exception__\r\n';

export interface LinesOptions {
  mode: ReadMode;
  /** @defaultValue 10000 */
  pageSize?: number;
  onTotal?: (total: number) => void;
}

/**
 * The lines, or undefined when a streamed answer cannot tell an error from data (a server older
 * than the exception tag, which appends its error as text): the caller reads rows instead.
 */
export async function readCsvLines(wh: Warehouse, stmt: Statement, opts: LinesOptions): Promise<AsyncGenerator<CsvPiece> | undefined> {
  if (opts.mode === 'paged') {
    return scratchPages(wh, stmt, opts.pageSize ?? DEFAULT_PAGE, opts.onTotal, async function* (sql, range) {
      // One line per row: a page's rows are its range.
      yield { text: await wh.queryText(sql, FORMAT, range), rows: range.to - range.from };
    });
  }
  const rs = await wh.client.exec({ query: `${stmt.sql}\nFORMAT ${FORMAT}`, query_params: stmt.binds });
  const tag = rs.response_headers['x-clickhouse-exception-tag'];
  if (typeof tag !== 'string' || tag === '') {
    rs.stream.destroy();
    return undefined;
  }
  return streamedLines(rs.stream, Buffer.from(`${EXCEPTION_MARKER}${tag}\r\n`));
}

async function* streamedLines(stream: NodeJS.ReadableStream & { destroy(): void }, marker: Buffer): AsyncGenerator<CsvPiece> {
  const rows = new RowCounter();
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const error = pending.indexOf(marker);
      if (error !== -1) throw new Error(exceptionMessage(pending.subarray(error + marker.length)));
      // Held back: an incomplete line, and anything that may be the start of an error block.
      if (pending.length < marker.length) continue;
      const end = pending.lastIndexOf(0x0a, pending.length - marker.length) + 1;
      if (end === 0) continue;
      const text = pending.subarray(0, end).toString('utf8');
      pending = pending.subarray(end);
      yield { text, rows: rows.count(text) };
    }
    if (pending.length) {
      const text = pending.toString('utf8');
      yield { text, rows: rows.count(text) };
    }
  } finally {
    stream.destroy();
  }
}

/** The message of an error block: the text after the tag line, up to its `\n<length> <tag>` trailer. */
function exceptionMessage(block: Buffer): string {
  const text = block.toString('utf8');
  const trailer = text.search(/\n\d+ \S+\r\n__exception__/);
  return (trailer === -1 ? text : text.slice(0, trailer)).trim() || 'the query failed after the export began';
}

/** Rows in CSV text: line feeds outside quoted cells (a quoted cell may hold line feeds). */
class RowCounter {
  private quoted = false;

  count(text: string): number {
    let n = 0;
    if (!this.quoted && !text.includes('"')) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
      return n;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) this.quoted = !this.quoted;
      else if (c === 0x0a && !this.quoted) n++;
    }
    return n;
  }
}
