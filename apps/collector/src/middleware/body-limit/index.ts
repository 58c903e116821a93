// Reads the request body while counting bytes, so an oversized body is refused before it is
// buffered, whatever Content-Length claims and also for chunked bodies that announce no length.
// `Content-Encoding: gzip|deflate` bodies are inflated as they stream, with a cap of their own.
import type { MiddlewareHandler } from 'hono';
import { LIMITS } from '@spoor/events';
import { CollectorError } from '../../errors.js';

export interface BodyLimitOptions {
  /** Bytes on the wire (after chunked decoding, before inflating). @defaultValue `LIMITS.maxBodyBytes` (256 KiB) */
  maxBytes?: number;
  /** Bytes after inflating a compressed body. @defaultValue `LIMITS.maxInflatedBytes` (1 MiB) */
  maxInflatedBytes?: number;
}

export type BodyEnv = { Variables: { body: Uint8Array } };

const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', 'deflate']);

/** Puts the whole body, decoded, in `c.get('body')`. */
export function bodyLimit(opts: BodyLimitOptions = {}): MiddlewareHandler<BodyEnv> {
  const maxBytes = opts.maxBytes ?? LIMITS.maxBodyBytes;
  const maxInflated = opts.maxInflatedBytes ?? LIMITS.maxInflatedBytes;
  return async (c, next) => {
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
      c.set('body', body);
      return next();
    }
    const req = c.req.raw;
    if (!req.body) {
      c.set('body', new Uint8Array(0));
      return next();
    }
    if (encoding === 'identity') {
      c.set('body', await readLimited(req.body, maxBytes, () => tooLarge(maxBytes)));
      return next();
    }
    const format: 'gzip' | 'deflate' = encoding === 'deflate' ? 'deflate' : 'gzip';
    const inflated = req.body.pipeThrough(countingLimit(maxBytes)).pipeThrough(new DecompressionStream(format));
    try {
      c.set('body', await readLimited(inflated, maxInflated, () => tooLarge(maxInflated, 'once inflated')));
    } catch (err) {
      if (err instanceof CollectorError) throw err;
      throw new CollectorError(400, 'invalid_encoding', `the body is not valid ${format} data`);
    }
    return next();
  };
}

/** Reads a stream to its end, or cancels it and throws as soon as it passes `limit` bytes. */
export async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  onTooLarge: () => Error,
): Promise<Uint8Array> {
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
