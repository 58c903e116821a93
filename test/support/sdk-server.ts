// A small HTTP server for the SDK's browser tests. Pages come from examples/sdk on
// http://localhost:PORT; the built script and a recording collector answer on
// http://127.0.0.1:PORT, a different origin, as with a real collect.example.com. Every
// POST /v1/batch body is kept (and its events checked against the wire contract), and a test
// can choose the answer (503, 400, ...).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { readSdkBuild, sdkBundle } from '@spoor/collector';
import { validateEvent, type BatchInput, type SpoorEventInput } from '@spoor/events';

export const EXAMPLES_SDK = resolve(import.meta.dirname, '../../examples/sdk');
const DIST = resolve(import.meta.dirname, '../../packages/sdk/dist');
const EVENTS_DIST = resolve(import.meta.dirname, '../../packages/events/dist');

export interface RecordedBatch {
  body: BatchInput;
  /** The request's Content-Type. */
  type: string;
  origin: string | undefined;
  /** The page that sent it. */
  referer: string | undefined;
  cookie: string | undefined;
  /** The request's Accept-Language (the collector reads a pageview's language from it). */
  language: string | undefined;
  /** Events the wire contract refuses, with the reason (should stay empty). */
  invalid: string[];
  at: number;
  status: number;
  /** Body size in bytes. */
  bytes: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface SdkServer {
  /** Where fixture pages are served: http://localhost:PORT */
  pages: string;
  /** The collector (and /sdk.js): http://127.0.0.1:PORT */
  collector: string;
  batches: RecordedBatch[];
  /** Events of the answered-2xx batches, in arrival order. */
  events(): SpoorEventInput[];
  /** Every event of every received batch, whatever the answer was. */
  allEvents(): SpoorEventInput[];
  /** Decides the next answers; return undefined for the default 202. */
  answer(fn: ((batch: BatchInput) => Answer | undefined) | undefined): void;
  /**
   * Answers GET `path` on the collector's origin (CORS with credentials, as the collector does)
   * with what `fn` returns, e.g. a test double of a route; undefined removes it.
   */
  route(path: string, fn: ((url: URL, req: IncomingMessage) => { status: number; body: unknown; headers?: Record<string, string> }) | undefined): void;
  /** Forgets the recorded batches, the chosen answer and the routes. */
  reset(): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface SdkServerOptions {
  /** Load /sdk.js (and so send events) from this origin instead, e.g. a running `spoor up`. */
  sdkOrigin?: string;
  /** Rewrite the fixtures' data-site="test" to this site id. */
  site?: string;
}

export async function startSdkServer(options: SdkServerOptions = {}): Promise<SdkServer> {
  const batches: RecordedBatch[] = [];
  let answer: ((batch: BatchInput) => Answer | undefined) | undefined;
  let collector = '';
  const routes = new Map<string, Parameters<SdkServer['route']>[1]>();
  // /sdk.js?f=... is composed as the collector composes it.
  const bundle = sdkBundle(readSdkBuild(DIST));

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    if (url.pathname === '/v1/batch') {
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        res.statusCode = 204;
        return res.end();
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as BatchInput;
      const invalid = body.events.flatMap((e, i) => {
        const v = validateEvent(e, i);
        return v.ok ? [] : [`${v.error.path}: ${v.error.message}`];
      });
      const a = answer?.(body) ?? { status: 202 };
      batches.push({
        body,
        type: req.headers['content-type'] ?? '',
        origin,
        referer: req.headers.referer,
        cookie: req.headers.cookie,
        language: req.headers['accept-language'],
        invalid,
        at: Date.now(),
        status: a.status,
        bytes: Buffer.byteLength(raw),
      });
      if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
      for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
      res.statusCode = a.status;
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify(a.status < 300 ? { accepted: body.events.length, rejected: 0 } : { error: 'test' }));
    }
    const route = routes.get(url.pathname);
    if (route) {
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET');
        res.setHeader('Access-Control-Allow-Headers', 'X-Spoor-Visitor');
        res.statusCode = 204;
        return res.end();
      }
      const a = route(url, req)!;
      for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
      res.statusCode = a.status;
      res.setHeader('Content-Type', 'application/json');
      return res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    }
    if (url.pathname === '/sdk.js') {
      const v = bundle.variant(url.searchParams.get('f') ?? undefined);
      res.statusCode = v.ok ? 200 : 400;
      res.setHeader('Content-Type', TYPES['.js']!);
      return res.end(v.ok ? v.variant.body : v.message);
    }
    // The ESM build, file by file as tsc wrote it (module scripts load with CORS), and the one
    // @spoor/events file it imports (esm.html's import map names it, as a bundler would resolve it).
    const esm = /^\/(sdk|events)\/((?:[a-z0-9-]+\/)?[a-z0-9-]+\.js)$/.exec(url.pathname);
    if (esm) {
      res.setHeader('Content-Type', TYPES['.js']!);
      if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
      return res.end(readFileSync(join(esm[1] === 'sdk' ? DIST : EVENTS_DIST, esm[2]!)));
    }
    const file = resolve(join(EXAMPLES_SDK, normalize(url.pathname === '/' ? '/index.html' : url.pathname)));
    const type = TYPES[extname(file)];
    if (!file.startsWith(EXAMPLES_SDK + sep) || !type) {
      res.statusCode = 404;
      return res.end('not found');
    }
    let text = readFileSync(file, 'utf8');
    // The fixtures load "/sdk.js"; here it comes from the collector's origin, as in production.
    if (type === TYPES['.html']) {
      text = text.replaceAll('src="/sdk', `src="${options.sdkOrigin ?? collector}/sdk`);
      if (options.site) text = text.replaceAll('data-site="test"', `data-site="${options.site}"`);
    }
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache'); // not no-store: that would keep pages out of the back/forward cache
    return res.end(text);
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  collector = `http://127.0.0.1:${port}`;
  const ok = () => batches.filter((b) => b.status < 300);
  return {
    pages: `http://localhost:${port}`,
    collector,
    batches,
    events: () => ok().flatMap((b) => b.body.events),
    allEvents: () => batches.flatMap((b) => b.body.events),
    answer(fn) {
      answer = fn;
    },
    route(path, fn) {
      if (fn) routes.set(path, fn);
      else routes.delete(path);
    },
    reset() {
      batches.length = 0;
      answer = undefined;
      routes.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
