// The export formats: CSV (header always, cells that a spreadsheet would run as a formula
// escaped), NDJSON and a JSON array, written page by page so nothing holds the whole segment.
import type { ExportColumn } from '../queries.js';
import { SegmentError } from '../errors.js';

export const EXPORT_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

export function exportFormat(value: string): ExportFormat {
  if (!isExportFormat(value)) throw new SegmentError('invalid_format', `the format is csv, ndjson or json, not ${JSON.stringify(value)}`);
  return value;
}

export interface FormatWriter {
  readonly contentType: string;
  readonly extension: string;
  /** Written before any row, also for an empty segment. */
  header(): string;
  /** One page of rows, values in column order as the database returned them. */
  rows(rows: readonly unknown[][]): string;
  footer(): string;
}

export function createWriter(format: ExportFormat, columns: readonly ExportColumn[]): FormatWriter {
  switch (format) {
    case 'csv':
      return csvWriter(columns);
    case 'ndjson':
      return jsonWriter(columns, false);
    case 'json':
      return jsonWriter(columns, true);
  }
}

/** Characters that make a spreadsheet treat a cell as a formula (or hide one behind it). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: a leading `'` defuses formulas, then RFC 4180 quoting where needed. */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvWriter(columns: readonly ExportColumn[]): FormatWriter {
  const cell = columns.map((c) =>
    c.kind === 'number'
      ? (v: unknown) => (v === null || v === undefined ? '' : numberText(v))
      : (v: unknown) => (v === null || v === undefined ? '' : csvText(String(v))),
  );
  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    header: () => `${columns.map((c) => csvText(c.name)).join(',')}\n`,
    rows: (rows) => rows.map((r) => `${r.map((v, i) => cell[i]!(v)).join(',')}\n`).join(''),
    footer: () => '',
  };
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Numbers are written as the database rendered them (money keeps its two places). */
function numberText(v: unknown): string {
  const s = String(v);
  return JSON_NUMBER.test(s) ? s : csvText(s);
}

function jsonWriter(columns: readonly ExportColumn[], array: boolean): FormatWriter {
  const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  const value = columns.map((c) =>
    c.kind === 'number'
      ? (v: unknown) => {
          if (v === null || v === undefined) return 'null';
          const s = String(v);
          return JSON_NUMBER.test(s) ? s : JSON.stringify(s);
        }
      : (v: unknown) => (v === null || v === undefined ? 'null' : JSON.stringify(String(v))),
  );
  const object = (r: readonly unknown[]) => `{${r.map((v, i) => keys[i]! + value[i]!(v)).join(',')}}`;
  let first = true;
  return {
    contentType: array ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    extension: array ? 'json' : 'ndjson',
    header: () => (array ? '[' : ''),
    rows: (rows) => {
      if (!array) return rows.map((r) => `${object(r)}\n`).join('');
      let out = '';
      for (const r of rows) {
        out += `${first ? '\n' : ',\n'}${object(r)}`;
        first = false;
      }
      return out;
    },
    footer: () => (array ? `${first ? '' : '\n'}]\n` : ''),
  };
}
