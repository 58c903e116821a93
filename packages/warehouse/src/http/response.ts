// Response details a ClickHouse client reads: Content-Type per output format, the X-ClickHouse-*
// headers, and HTTP compression when the client asked for it with enable_http_compression=1.
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';

/** Binary formats: as bytes on the way out, and refused on the way in (the engine takes insert data as text). */
export const BINARY_FORMATS =
  /^(Native|RowBinary\w*|Parquet|ParquetMetadata|Arrow|ArrowStream|ORC|Avro|AvroConfluent|Protobuf\w*|CapnProto|MsgPack|BSONEachRow|RawBLOB|Npy|One)$/i;

export function contentType(format: string): string {
  const f = format.toLowerCase();
  if (f === 'tabseparated' || f === 'tsv' || f.startsWith('tabseparated') || f.startsWith('tsv')) {
    return 'text/tab-separated-values; charset=UTF-8';
  }
  if (f.startsWith('csv')) return `text/csv; charset=UTF-8; header=${f.includes('withnames') ? 'present' : 'absent'}`;
  if (f === 'jsoneachrow' || f === 'jsonlines' || f === 'ndjson') return 'application/x-ndjson; charset=UTF-8';
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  if (BINARY_FORMATS.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

export interface Summary {
  read_rows: string;
  read_bytes: string;
  written_rows: string;
  written_bytes: string;
  total_rows_to_read: string;
  result_rows: string;
  result_bytes: string;
  elapsed_ns: string;
}

/** Picks the first encoding of Accept-Encoding this process can produce. */
export function chooseEncoding(accept: string | undefined): 'gzip' | 'deflate' | 'br' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const name = part.split(';')[0]!.trim().toLowerCase();
    if (name === 'gzip' || name === 'deflate' || name === 'br') return name;
  }
  return undefined;
}

export function compress(body: Buffer, encoding: 'gzip' | 'deflate' | 'br' | undefined): Buffer {
  if (!encoding || body.length === 0) return body;
  if (encoding === 'gzip') return zlib.gzipSync(body);
  if (encoding === 'deflate') return zlib.deflateSync(body);
  return zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  encoding: 'gzip' | 'deflate' | 'br' | undefined,
) {
  const out = compress(body, encoding);
  if (encoding && body.length > 0) headers['Content-Encoding'] = encoding;
  headers['Content-Length'] = String(out.length);
  res.writeHead(status, headers).end(out);
}
