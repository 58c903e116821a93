// One segment export: compiled and checked before the first byte (so a bad parameter is an error,
// not a broken file), then the header at once and the rows page by page. A CSV file's lines are
// rendered by the engine (csv-sql.ts) when it can render every column exactly as formats.ts does.
import type { Warehouse } from '@spoor/warehouse';
import type { SegmentEntry } from '../catalog.js';
import { compileSegment } from '../compile.js';
import { rowsStatement, type ExportColumn } from '../queries.js';
import { traitKeys } from '../traits.js';
import { csvLinesStatement } from './csv-sql.js';
import { createWriter, type ExportFormat } from './formats.js';
import { readCsvLines } from './lines.js';
import { defaultReadMode, readRows, type ReadMode } from './rows.js';

export interface ExportRequest {
  format: ExportFormat;
  params?: Record<string, string | number>;
  /** Only this site's people. */
  site?: string | undefined;
  /** "Now" for time windows, epoch ms. @defaultValue Date.now() */
  now?: number;
  /** @defaultValue paged on the embedded engine, streamed from a server (see rows.ts) */
  mode?: ReadMode;
  pageSize?: number;
  /** Rows written so far, and the total once known. */
  onProgress?: (done: number, total: number | undefined) => void;
}

export interface SegmentExport {
  columns: ExportColumn[];
  contentType: string;
  /** A download name such as `cart_abandoners-20250131-1200.csv`. */
  filename: string;
  /** The file, in pieces: the header first, then a piece per page. Stop early with `return()`. */
  chunks: AsyncGenerator<string>;
}

export async function exportSegment(wh: Warehouse, entry: SegmentEntry, req: ExportRequest): Promise<SegmentExport> {
  const now = req.now ?? Date.now();
  const compiled = compileSegment(entry.definition, { params: req.params, now });
  const traits = await traitKeys(wh, entry.definition, req.site);
  const stmt = rowsStatement(compiled, traits, { database: wh.database, site: req.site });
  const writer = createWriter(req.format, stmt.columns);
  const mode = req.mode ?? defaultReadMode(wh);
  const lines = req.format === 'csv' ? await csvLinesStatement(wh, stmt) : undefined;

  async function* chunks(): AsyncGenerator<string> {
    yield writer.header();
    let total: number | undefined;
    let done = 0;
    req.onProgress?.(0, undefined);
    const onTotal = (n: number) => {
      total = n;
      req.onProgress?.(done, total);
    };
    const pieces = lines ? await readCsvLines(wh, lines, { mode, pageSize: req.pageSize, onTotal }) : undefined;
    if (pieces) {
      for await (const piece of pieces) {
        done += piece.rows;
        yield piece.text;
        req.onProgress?.(done, total);
      }
    } else {
      for await (const page of readRows(wh, stmt, { mode, pageSize: req.pageSize, onTotal })) {
        done += page.length;
        yield writer.rows(page);
        req.onProgress?.(done, total);
      }
    }
    const footer = writer.footer();
    if (footer) yield footer;
  }

  return {
    columns: stmt.columns,
    contentType: writer.contentType,
    filename: `${entry.definition.name}-${stamp(now)}.${writer.extension}`,
    chunks: chunks(),
  };
}

function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}`;
}
