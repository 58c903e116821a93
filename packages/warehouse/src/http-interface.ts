// ClickHouse's HTTP protocol served from the embedded engine, so `spoor sql` and ClickHouse tools
// can reach the one process that holds the data directory open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Warehouse } from './client.js';

export interface HttpInterfaceUser {
  name: string;
  password: string;
}

export interface HttpInterfaceOptions {
  port: number;
  /** @defaultValue `127.0.0.1` */
  host?: string;
  users: HttpInterfaceUser[];
}

export interface RunningHttpInterface {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_FORMAT = 'TabSeparated';

export function startHttpInterface(wh: Warehouse, opts: HttpInterfaceOptions): Promise<RunningHttpInterface> {
  const chdb = wh.chdb;
  if (!chdb) throw new Error('the ClickHouse HTTP interface serves the embedded engine only');
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => fail(res, 500, 1001, err.message));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (!authenticate(req, url, opts.users)) {
      fail(res, 401, 516, 'Authentication failed: password is incorrect, or there is no user with such name.');
      return;
    }
    const body = req.method === 'POST' ? await readAll(req) : '';
    const head = url.searchParams.get('query') ?? '';
    const sql = head && body ? `${head}\n${body}` : head || body;
    if (!sql.trim()) {
      fail(res, 400, 62, 'Empty query.');
      return;
    }
    const format = url.searchParams.get('default_format') ?? DEFAULT_FORMAT;
    try {
      const result = await chdb!.queryAsync(sql, { format });
      const bytes = result.bytes();
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=UTF-8',
        'X-ClickHouse-Format': format,
        'X-ClickHouse-Summary': JSON.stringify({
          read_rows: String(result.rowsRead),
          read_bytes: String(result.bytesRead),
          elapsed_ns: String(Math.round(result.elapsed * 1e9)),
        }),
      });
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      const e = err as { clickhouseCode?: number; message: string };
      fail(res, 500, e.clickhouseCode ?? 1001, e.message);
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

function authenticate(req: IncomingMessage, url: URL, users: HttpInterfaceUser[]): boolean {
  let name = header(req, 'x-clickhouse-user') ?? url.searchParams.get('user') ?? undefined;
  let password = header(req, 'x-clickhouse-key') ?? url.searchParams.get('password') ?? undefined;
  const basic = header(req, 'authorization');
  if (basic?.startsWith('Basic ')) {
    const decoded = Buffer.from(basic.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    name = decoded.slice(0, i);
    password = decoded.slice(i + 1);
  }
  return users.some((u) => u.name === (name ?? 'default') && u.password === (password ?? ''));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function fail(res: ServerResponse, status: number, code: number, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code) });
  res.end(`Code: ${code}. DB::Exception: ${message}\n`);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
