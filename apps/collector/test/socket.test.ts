// The collector on a real listening socket (@hono/node-server), for what app.request() cannot
// show: chunked uploads, conflicting length headers, oversized headers.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../src/index.js';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { setup } from './harness.js';

let server: RunningServer;
let slowServer: RunningServer;
const serverErrors: Error[] = [];
const harness = setup({ bodyTimeoutMs: 1_000, hooks: { onError: (err) => serverErrors.push(err) } });
const clientErrors: string[] = [];

beforeAll(async () => {
  server = await listen(harness.collector.app, 0, '127.0.0.1', { onClientError: (code) => clientErrors.push(code) });
  slowServer = await listen(harness.collector.app, 0, '127.0.0.1', { headersTimeoutMs: 1_000 });
});
afterAll(async () => {
  await server?.close(1_000);
  await slowServer?.close(1_000);
});

/** Writes raw bytes and collects everything the server sends until it closes (or `ms` pass). */
function raw(write: (s: Socket) => unknown, ms = 5_000, port = server.port): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => s.destroy(), ms);
    s.on('data', (d) => (out += d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('connect', () => void write(s));
  });
}

const statusOf = (res: string) => Number(res.slice(9, 12));
const bodyOf = (res: string) => res.slice(res.indexOf('\r\n\r\n') + 4);

describe('collector on a socket', () => {
  it('accepts a chunked batch', async () => {
    const body = JSON.stringify(makeBatch([makeEvent('pageview')]));
    const res = await raw((s) => {
      s.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
      const half = Math.floor(body.length / 2);
      for (const part of [body.slice(0, half), body.slice(half)]) s.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
      s.write('0\r\n\r\n');
    });
    expect(statusOf(res)).toBe(202);
  });

  it('answers 413 to a 5 MiB chunked body without buffering it, and keeps serving', async () => {
    const before = process.memoryUsage().rss;
    let written = 0;
    const res = await raw(async (s) => {
      s.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'x'.repeat(64 * 1024);
      while (written < 5 * 1024 * 1024 && !s.destroyed) {
        const ok = s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        written += chunk.length;
        if (!ok)
          await new Promise((r) => {
            s.once('drain', r);
            s.once('close', r);
          });
      }
      if (!s.destroyed) s.end('0\r\n\r\n');
    });
    expect(statusOf(res)).toBe(413);
    expect(JSON.parse(bodyOf(res))).toMatchObject({ error: 'payload_too_large' });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    const after = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(after.status).toBe(200);
  });

  it('answers 413 at once to a Content-Length over the limit', async () => {
    const res = await raw((s) => s.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 400000\r\n\r\n{"site"'));
    expect(statusOf(res)).toBe(413);
  });

  it('refuses conflicting Content-Length and Transfer-Encoding with a clean 400, before any handler', async () => {
    const jobsBefore = harness.jobs.length;
    const body = JSON.stringify(makeBatch([makeEvent('pageview')]));
    const res = await raw((s) =>
      s.write(
        `POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ),
    );
    expect(statusOf(res)).toBe(400);
    expect(JSON.parse(bodyOf(res))).toMatchObject({ error: 'invalid_request' });
    expect(harness.jobs.length).toBe(jobsBefore);
    expect(clientErrors.some((c) => c.startsWith('HPE_'))).toBe(true);
    const twoLengths = await raw((s) => s.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'));
    expect(statusOf(twoLengths)).toBe(400);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });

  it('answers 431 to 64 KiB of headers and reflects nothing', async () => {
    const res = await raw((s) => s.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'<b>'.repeat(22_000)}\r\n\r\n`));
    expect(statusOf(res)).toBe(431);
    expect(res).not.toContain('<b>');
  });

  it('answers 408 to headers slower than the limit, soon after it', async () => {
    const started = Date.now();
    const res = await raw((s) => s.write('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-'), 8_000, slowServer.port);
    expect(statusOf(res)).toBe(408);
    expect(JSON.parse(bodyOf(res))).toMatchObject({ error: 'request_timeout' });
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it("answers 408 to a body slower than the limit, counted as the client's failure and logged without a stack", async () => {
    const body = JSON.stringify(makeBatch([makeEvent('pageview')]));
    const started = Date.now();
    const res = await raw(
      (s) => s.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`),
      8_000,
    );
    expect(statusOf(res)).toBe(408);
    expect(res.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(bodyOf(res))).toMatchObject({ error: 'request_timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
    // A body cut off by its client is the client's failure too.
    await raw((s) => {
      s.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      setTimeout(() => s.destroy(), 200);
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(serverErrors).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toMatch(/spoor_collector_requests_total\{route="\/v1\/batch",method="POST",status="408"\} 1/);
    expect(metrics).not.toMatch(/status="5\d\d"/);
  });
});
