// Reads a ClickHouse HTTP request the way a server does: credentials from headers, Basic auth or
// URL parameters; `query`, `database`, `default_format`, `query_id`, session parameters, `param_*`
// and settings from the URL (or a multipart body); the body decompressed per Content-Encoding.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { ClickHouseHttpError } from './errors.js';

export interface ChRequest {
  method: string;
  user: string;
  password: string;
  /** The `query` URL parameter (or multipart part); the body continues it. */
  urlQuery: string | undefined;
  body: string;
  /** The body as bytes: the data of a binary-format INSERT, which no text decoding may touch. */
  bodyBytes: Buffer;
  database: string | undefined;
  defaultFormat: string | undefined;
  queryId: string;
  sessionId: string | undefined;
  sessionTimeoutMs: number;
  sessionCheck: boolean;
  /** `param_*` values, still in ClickHouse's escaped text form. */
  params: Map<string, string>;
  /** Settings for the engine (HTTP-only ones removed). */
  settings: Map<string, string>;
  /** `enable_http_compression=1` and the client's Accept-Encoding. */
  responseEncoding: string | undefined;
  /** `wait_end_of_query=1`: the answer (and its summary) only once the query has ended. */
  waitEndOfQuery: boolean;
}

export interface RequestLimits {
  /** Largest body accepted, compressed or not. */
  maxBodyBytes: number;
}

/** URL parameters that are part of the protocol, not settings. */
const PROTOCOL_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'session_id',
  'session_timeout',
  'session_check',
  'quota_key',
  'buffer_size',
  'wait_end_of_query',
  'compress',
  'decompress',
  'role',
  'client_protocol_version',
  'stacktrace',
  'close_session',
]);

/**
 * Settings that only steer the HTTP layer. They are served (or harmlessly ignored) here and never
 * reach the engine, which would not know some of them.
 */
const HTTP_ONLY_SETTINGS = new Set([
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'http_wait_end_of_query',
  'http_native_compression_disable_checksumming_on_decompress',
  'http_response_compression_method',
  'add_http_cors_header',
  'default_format',
  'http_write_exception_in_output_format',
]);

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function readRequest(req: IncomingMessage, limits: RequestLimits): Promise<ChRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const sp = url.searchParams;
  let urlQuery = sp.get('query') ?? undefined;
  const params = new Map<string, string>();
  const settings = new Map<string, string>();
  for (const [k, v] of sp) {
    if (k.startsWith('param_')) params.set(k.slice(6), v);
    else if (!PROTOCOL_PARAMS.has(k)) addSetting(settings, k, v);
  }
  if (sp.get('compress') === '1' || sp.get('decompress') === '1') {
    throw ClickHouseHttpError.of(
      'NOT_IMPLEMENTED',
      "ClickHouse's native block compression (compress=1 / decompress=1) is not served by the embedded engine; use compress=0, or HTTP compression (enable_http_compression=1 with Accept-Encoding: gzip)",
    );
  }

  let body = '';
  let bodyBytes: Buffer = Buffer.alloc(0);
  if (req.method === 'POST' || req.method === 'PUT') {
    const raw = await readBody(req, limits.maxBodyBytes);
    const bytes = decode(raw, header(req, 'content-encoding'), limits.maxBodyBytes);
    const type = header(req, 'content-type') ?? '';
    if (/^multipart\/form-data/i.test(type)) {
      for (const [name, value] of parseMultipart(bytes, type)) {
        if (name === 'query') urlQuery = value;
        else if (name.startsWith('param_')) params.set(name.slice(6), value);
        else {
          throw ClickHouseHttpError.of('NOT_IMPLEMENTED', `multipart part ${name}: external tables are not served by the embedded engine`);
        }
      }
    } else {
      body = bytes.toString('utf8');
      bodyBytes = bytes;
    }
  }

  const { user, password } = credentials(req, sp);
  const enableCompression = settings.get('enable_http_compression') ?? sp.get('enable_http_compression');
  const timeout = sp.get('session_timeout');
  const sessionTimeoutMs = timeout === null ? 60_000 : Number(timeout) * 1000;
  if (!Number.isFinite(sessionTimeoutMs) || sessionTimeoutMs < 0 || sessionTimeoutMs > 3_600_000) {
    throw ClickHouseHttpError.of('INVALID_SESSION_TIMEOUT', `Invalid session timeout: '${timeout}'`);
  }
  const wait = sp.get('wait_end_of_query') ?? settings.get('http_wait_end_of_query');
  for (const k of HTTP_ONLY_SETTINGS) settings.delete(k);
  return {
    method: req.method ?? 'GET',
    user,
    password,
    urlQuery,
    body,
    bodyBytes,
    database: sp.get('database') ?? header(req, 'x-clickhouse-database') ?? undefined,
    defaultFormat: sp.get('default_format') ?? header(req, 'x-clickhouse-format') ?? undefined,
    queryId: sp.get('query_id') || randomUUID(),
    sessionId: sp.get('session_id') || undefined,
    sessionTimeoutMs,
    sessionCheck: sp.get('session_check') === '1',
    params,
    settings,
    responseEncoding: enableCompression === '1' || enableCompression === 'true' ? header(req, 'accept-encoding') : undefined,
    waitEndOfQuery: wait === '1' || wait === 'true',
  };
}

function addSetting(settings: Map<string, string>, name: string, value: string) {
  if (!SETTING_NAME.test(name)) throw ClickHouseHttpError.of('BAD_ARGUMENTS', `Invalid setting name ${JSON.stringify(name)}`);
  settings.set(name, value);
}

function credentials(req: IncomingMessage, sp: URLSearchParams): { user: string; password: string } {
  const auth = header(req, 'authorization');
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  return {
    user: header(req, 'x-clickhouse-user') ?? sp.get('user') ?? 'default',
    password: header(req, 'x-clickhouse-key') ?? sp.get('password') ?? '',
  };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw tooLarge(max);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(max: number) {
  return ClickHouseHttpError.of('QUERY_IS_TOO_LARGE', `Request body is larger than ${max} bytes`);
}

function decode(raw: Buffer, encoding: string | undefined, max: number): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (!enc || enc === 'identity' || raw.length === 0) return raw;
  const opts = { maxOutputLength: max };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(raw, opts);
    if (enc === 'deflate') return zlib.inflateSync(raw, opts);
    if (enc === 'br') return zlib.brotliDecompressSync(raw, opts);
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: object) => Buffer }).zstdDecompressSync;
    if (enc === 'zstd' && zstd) return zstd(raw, opts);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
    throw ClickHouseHttpError.of('CANNOT_DECOMPRESS', `Cannot decompress the ${enc} request body: ${(err as Error).message}`);
  }
  if (['lz4', 'xz', 'bz2', 'snappy', 'zstd'].includes(enc)) {
    throw ClickHouseHttpError.of('NOT_IMPLEMENTED', `Content-Encoding ${enc} is not served by the embedded engine; use gzip, deflate or br`);
  }
  throw ClickHouseHttpError.of('UNKNOWN_COMPRESSION_METHOD', `Unknown HTTP content encoding: ${enc}`);
}

/** multipart/form-data parts as name → text (enough for `query` and `param_*` fields). */
function parseMultipart(bytes: Buffer, contentType: string): Array<[string, string]> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw ClickHouseHttpError.of('BAD_ARGUMENTS', 'multipart/form-data without a boundary');
  const text = bytes.toString('utf8');
  const parts: Array<[string, string]> = [];
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const head = chunk.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    // The part ends with the CRLF that precedes the next delimiter.
    parts.push([name, chunk.slice(headerEnd + 4).replace(/\r\n$/, '')]);
  }
  return parts;
}
