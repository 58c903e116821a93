// Reads the request body while counting bytes, so an oversized body is refused before it is
// buffered, whatever Content-Length claims and also for chunked bodies that announce no length.
// `Content-Encoding: gzip|deflate` bodies are inflated as they stream, with a cap of their own.
import type { Context, MiddlewareHandler } from 'hono';
import { LIMITS } from '@spoor/events';
import { CollectorError } from '../../errors.js';

export interface BodyLimitOptions {
  /** Bytes on the wire (after chunked decoding, before inflating). @defaultValue `LIMITS.maxBodyBytes` (256 KiB) */
  maxBytes?: number;
  /** Bytes after inflating a compressed body. @defaultValue `LIMITS.maxInflatedBytes` (1 MiB) */
  maxInflatedBytes?: number;
  /**
   * The whole body must arrive within this; a slower one is answered 408 and its connection closed
   * (a slow sender is no server fault, and holds a connection for nothing). @defaultValue 10000
   */
  timeoutMs?: number;
}

export type BodyEnv = { Variables: { body: Uint8Array } };

const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate']);

/** Puts the whole body, decoded, in `c.get('body')`. */
export function bodyLimit(opts: BodyLimitOptions = {}): MiddlewareHandler<BodyEnv> {
  const maxBytes = opts.maxBytes ?? LIMITS.maxBodyBytes;
  const maxInflated = opts.maxInflatedBytes ?? LIMITS.maxInflatedBytes;
  const timeoutMs = opts.timeoutMs ?? BODY_TIMEOUT_MS;
  return async (c, next) => {
    const body = await withDeadline(readBody(c, maxBytes, maxInflated), timeoutMs, () => c.header('Connection', 'close'));
    c.set('body', body);
    return next();
  };
}

/** The body must arrive within this (docs/COLLECTOR.md: headers or body slower than 10 s get 408). */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * The read, or a 408 once the deadline passes. A body the client stopped sending midway (its
 * connection closed) is the client's failure too: 400, never a 500 with a stack.
 */
async function withDeadline(read: Promise<Uint8Array>, ms: number, onTimeout: () => void): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new CollectorError(408, 'request_timeout', `the request body did not arrive within ${ms / 1000} s`));
    }, ms);
  });
  try {
    return await Promise.race([read, deadline]);
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    throw new CollectorError(400, 'invalid_request', 'the request body was cut off before its end');
  } finally {
    clearTimeout(timer);
    // A read left behind by the deadline fails once the connection closes; nobody waits for it.
    read.catch(() => undefined);
  }
}

async function readBody(c: Context<BodyEnv>, maxBytes: number, maxInflated: number): Promise<Uint8Array> {
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase() || 'identity';
  if (!ENCODINGS.has(encoding)) {
    throw new CollectorError(400, 'unsupported_content_encoding', 'send the body uncompressed, or with Content-Encoding gzip or deflate');
  }
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (encoding === 'identity' && Number.isFinite(declared)) {
    // With a declared length (browsers always send one) Node's parser delivers exactly that many
    // bytes, so the body is read in one go without building a web stream, which costs more
    // than the rest of the read; the size is still checked for runtimes that do not enforce it.
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > maxBytes) throw tooLarge(maxBytes);
    return body;
  }
  const req = c.req.raw;
  if (!req.body) return new Uint8Array(0);
  if (encoding === 'identity') return readLimited(req.body, maxBytes, () => tooLarge(maxBytes));
  const format: 'gzip' | 'deflate' = encoding === 'deflate' ? 'deflate' : 'gzip';
  const inflated = req.body.pipeThrough(countingLimit(maxBytes)).pipeThrough(new DecompressionStream(format));
  try {
    return await readLimited(inflated, maxInflated, () => tooLarge(maxInflated, 'once inflated'));
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    throw new CollectorError(400, 'invalid_encoding', `the body is not valid ${format} data`);
  }
}

/** Reads a stream to its end, or cancels it and throws as soon as it passes `limit` bytes. */
export async function readLimited(stream: ReadableStream<Uint8Array>, limit: number, onTooLarge: () => Error): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw onTooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Passes bytes through until more than `limit` went by, then errors the stream. */
function countingLimit(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit) controller.error(tooLarge(limit));
      else controller.enqueue(chunk);
    },
  });
}

function tooLarge(limit: number, how = '') {
  return new CollectorError(413, 'payload_too_large', `request body is larger than ${limit} bytes${how ? ` ${how}` : ''}`);
}
