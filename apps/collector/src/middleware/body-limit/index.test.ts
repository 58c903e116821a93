import { gzipSync, deflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../errors.js';
import { bodyLimit, type BodyEnv } from './index.js';

function app(opts: Parameters<typeof bodyLimit>[0] = { maxBytes: 1024, maxInflatedBytes: 4096 }) {
  const a = new Hono<BodyEnv>();
  a.onError(renderError);
  a.post('/', bodyLimit(opts), (c) => c.json({ size: c.get('body').byteLength }));
  return a;
}

/** A body that announces no length: what a chunked upload looks like to the handler. */
function streamOf(total: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

const post = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
  app().request('/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('bodyLimit', () => {
  it('passes a body within the limit', async () => {
    const res = await post('x'.repeat(1024));
    expect(await res.json()).toEqual({ size: 1024 });
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const res = await post('x'.repeat(10), { 'content-length': '2048' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('stops reading a body without a length once it passes the limit', async () => {
    let pulled = 0;
    const big = streamOf(5 * 1024 * 1024, 256);
    const counted = big.pipeThrough(new TransformStream({ transform: (c, ctl) => ((pulled += c.byteLength), ctl.enqueue(c)) }));
    const res = await post(counted);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(64 * 1024);
  });

  it('inflates gzip and deflate bodies', async () => {
    const text = JSON.stringify({ a: 'b'.repeat(3000) });
    expect(await (await post(gzipSync(text), { 'content-encoding': 'gzip' })).json()).toEqual({ size: text.length });
    expect(await (await post(deflateSync(text), { 'content-encoding': 'deflate' })).json()).toEqual({ size: text.length });
  });

  it('refuses a body that inflates past its cap (a gzip bomb), and a compressed body past the wire limit', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(1024 * 16);
    const res = await app({ maxBytes: 64 * 1024, maxInflatedBytes: 4096 }).request('/', {
      method: 'POST',
      body: bomb,
      headers: { 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('once inflated') });
    const wire = await post(gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251))), { 'content-encoding': 'gzip' });
    expect(wire.status).toBe(413);
  });

  it('refuses corrupt compressed data and unknown encodings with 400', async () => {
    const corrupt = await post('not gzip at all', { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(await corrupt.json()).toMatchObject({ error: 'invalid_encoding' });
    const br = await post('x', { 'content-encoding': 'br' });
    expect(br.status).toBe(400);
    expect(await br.json()).toMatchObject({ error: 'unsupported_content_encoding' });
  });
});
