// Response details a ClickHouse client reads: Content-Type per output format, the X-ClickHouse-*
// headers, and HTTP compression when the client asked for it with enable_http_compression=1.
import { randomInt } from 'node:crypto';
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

export type Encoding = 'gzip' | 'deflate' | 'br';

/** Picks the first encoding of Accept-Encoding this process can produce. */
export function chooseEncoding(accept: string | undefined): Encoding | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const name = part.split(';')[0]!.trim().toLowerCase();
    if (name === 'gzip' || name === 'deflate' || name === 'br') return name;
  }
  return undefined;
}

function compressor(encoding: Encoding): zlib.Gzip | zlib.Deflate | zlib.BrotliCompress {
  if (encoding === 'gzip') return zlib.createGzip();
  if (encoding === 'deflate') return zlib.createDeflate();
  return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
}

/** A whole answer (errors included), compressed when the client asked for it. */
export function respond(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, encoding: Encoding | undefined) {
  let out = body;
  if (encoding && body.length > 0) {
    out =
      encoding === 'gzip'
        ? zlib.gzipSync(body)
        : encoding === 'deflate'
          ? zlib.deflateSync(body)
          : zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
    headers['Content-Encoding'] = encoding;
  }
  headers['Content-Length'] = String(out.length);
  res.writeHead(status, headers).end(out);
}

export interface BodyWriter {
  /** Resolves once the socket (through the compressor) wants more: the caller's backpressure. */
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  /**
   * Sends `last` (flushed through the compressor) and breaks the response off without its end, so
   * no client can take what came before for a complete answer.
   */
  breakOff(last: Buffer): Promise<void>;
}

/** The header naming the tag a streamed answer's mid-stream exception block is framed with. */
export const EXCEPTION_TAG_HEADER = 'X-ClickHouse-Exception-Tag';
const EXCEPTION_MARKER = '__exception__';
/** A whole exception block stays within this, as a server's does (its message is cut to fit). */
const MAX_EXCEPTION_BLOCK_BYTES = 16 * 1024;
const TAG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh tag for one streamed answer: random, so no row can forge the block's frame. */
export function exceptionTag(): string {
  let tag = '';
  for (let i = 0; i < 16; i++) tag += TAG_ALPHABET[randomInt(TAG_ALPHABET.length)];
  return tag;
}

/**
 * An exception after the rows began, as a server (25.11+) writes it into the body it can no longer
 * give an error status: `\r\n__exception__\r\nTAG\r\n<message>\n<length> TAG\r\n__exception__\r\n`,
 * the length counting the message's bytes and its line feed. Clients find it by the `\r\n` no row
 * of a text format ends with, and read the message back from the length before the tag.
 */
export function exceptionBlock(tag: string, message: string): Buffer {
  const frame = 2 + EXCEPTION_MARKER.length + 2 + tag.length + 2 + 8 + 1 + tag.length + 2 + EXCEPTION_MARKER.length + 2;
  let text = message.endsWith('\n') ? message.slice(0, -1) : message;
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length + 1 > MAX_EXCEPTION_BLOCK_BYTES - frame) {
    // Cut on a character boundary: the decoder drops a partial trailing sequence.
    text = bytes
      .subarray(0, MAX_EXCEPTION_BLOCK_BYTES - frame - 1)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    bytes = Buffer.from(text, 'utf8');
  }
  return Buffer.concat([Buffer.from(`\r\n${EXCEPTION_MARKER}\r\n${tag}\r\n`), bytes, Buffer.from(`\n${bytes.length + 1} ${tag}\r\n${EXCEPTION_MARKER}\r\n`)]);
}

/** Starts a chunked answer of unknown length, compressed when the client asked for it. */
export function startBody(res: ServerResponse, status: number, headers: Record<string, string>, encoding: Encoding | undefined): BodyWriter {
  if (encoding) headers['Content-Encoding'] = encoding;
  res.writeHead(status, headers);
  const sink = encoding ? compressor(encoding) : undefined;
  if (sink) {
    sink.pipe(res);
    res.once('close', () => sink.destroy());
  }
  const target: NodeJS.WritableStream = sink ?? res;
  const drained = () =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        target.off('drain', onDrain);
        res.off('close', onClose);
        target.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('the client closed the connection'));
      target.once('drain', onDrain);
      res.once('close', onClose);
      target.once('error', done);
    });
  return {
    async write(chunk) {
      if (res.destroyed) throw new Error('the client closed the connection');
      if (!target.write(chunk)) await drained();
    },
    end: () =>
      new Promise<void>((resolve) => {
        res.once('finish', () => resolve());
        res.once('close', () => resolve());
        target.end();
      }),
    async breakOff(last) {
      if (!res.destroyed) {
        await new Promise<void>((resolve) => {
          res.once('close', () => resolve());
          if (sink) {
            sink.write(last);
            // Out of the compressor now rather than at its end (the answer gets no end).
            sink.flush(() => setImmediate(resolve));
          } else {
            res.write(last, () => resolve());
          }
        });
      }
      // The socket ends after what is queued on it; the chunked body's own end is never sent.
      res.socket?.destroySoon();
    },
  };
}
