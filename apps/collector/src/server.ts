// Serving a Hono app on a port: bounded header and body reads, a JSON answer for requests Node's
// HTTP parser refuses (conflicting Content-Length/Transfer-Encoding, oversized headers), graceful close.
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { BODY_TIMEOUT_MS } from './middleware/body-limit/index.js';

export interface RunningServer {
  port: number;
  /**
   * Stops accepting connections and resolves once in-flight requests have finished; connections
   * still open after `graceMs` are cut.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  /**
   * Headers must arrive within this; the body then has `BODY_TIMEOUT_MS` more (the body-limit
   * middleware answers 408 itself). @defaultValue 10000
   */
  headersTimeoutMs?: number;
  /** Requests Node's parser refused, by code (e.g. `HPE_UNEXPECTED_CONTENT_LENGTH`). */
  onClientError?: (code: string) => void;
}

export function listen(app: Hono, port: number, hostname = '0.0.0.0', opts: ListenOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const headersTimeout = opts.headersTimeoutMs ?? 10_000;
    const server = serve(
      {
        fetch: app.fetch,
        port,
        hostname,
        serverOptions: {
          headersTimeout,
          // Node's own cut-off for a whole request, left later than the body-limit middleware's, so a
          // slow body gets its 408 from there rather than a dropped connection.
          requestTimeout: headersTimeout + BODY_TIMEOUT_MS + 5_000,
          // How often Node looks for requests past those timeouts; its default (30 s) let slow
          // headers linger 30–40 s instead of the 10 s promised.
          connectionsCheckingInterval: 1_000,
        },
      },
      (info: AddressInfo) => {
        resolve({
          port: info.port,
          close: (graceMs = 10_000) =>
            new Promise<void>((res) => {
              const force = setTimeout(() => http.closeAllConnections(), graceMs);
              force.unref();
              http.close(() => {
                clearTimeout(force);
                res();
              });
              // Idle keep-alive sockets would otherwise hold close() open.
              http.closeIdleConnections();
            }),
        });
      },
    ) as Server;
    const http = server;
    http.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      opts.onClientError?.(err.code ?? 'unknown');
      answerClientError(err, socket);
    });
    http.once('error', reject);
  });
}

/**
 * What Node would answer, with a JSON body in the collector's error shape. The parser refuses a
 * request carrying both Content-Length and Transfer-Encoding (request smuggling) before any
 * handler runs, so no limit can be bypassed that way.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket) {
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const [status, text, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', 'the request took too long to arrive']
        : [400, 'Bad Request', 'invalid_request', `malformed HTTP request (${err.code ?? 'parse error'})`];
  const body = JSON.stringify({ error: code, message });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
