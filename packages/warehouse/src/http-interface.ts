// ClickHouse's HTTP protocol served from the embedded engine, so analysts' ClickHouse tools, `spoor
// sql` and `spoor worker`/`spoor collector` processes reach the one process that holds the data
// directory, over exactly the protocol they use against a real server.
//
// How callers are kept apart on one engine: every request runs on a chdb connection of its own
// (see http/connections.ts), so its `database`, settings, `SET` and `USE` never touch the
// connection `spoor up` inserts with. A read-only caller (the analyst user, or any GET) gets a
// connection opened with `readonly=1`, and before that the engine's own parser (formatQuery) turns
// the statement into canonical text: one statement only, of a reading kind, with no INTO OUTFILE and
// no function that reaches files or the network; the canonical text is what then runs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Warehouse } from './client.js';
import { EngineConnections, type EngineConnection } from './http/connections.js';
import { ClickHouseHttpError, EngineError, engineError } from './http/errors.js';
import { bindValue, placeholderTypes } from './http/params.js';
import { assertReadOnly, describeStatement, READ_ONLY_DENIED_SETTINGS, type StatementInfo } from './http/policy.js';
import { readRequest, type ChRequest } from './http/request.js';
import { BINARY_FORMATS, chooseEncoding, contentType, send, type Summary } from './http/response.js';

export interface HttpInterfaceUser {
  name: string;
  password: string;
  /** Reads only: a readonly=1 connection and the statement checks above. @defaultValue false */
  readonly?: boolean;
}

export interface HttpInterfaceOptions {
  port: number;
  /** @defaultValue `127.0.0.1` */
  host?: string;
  users: HttpInterfaceUser[];
  /** Largest request body, compressed or not. @defaultValue 256 MiB */
  maxBodyBytes?: number;
}

export interface RunningHttpInterface {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_FORMAT = 'TabSeparated';
/** The engine's max_query_size default: a longer statement is a syntax error on a server too. */
const MAX_STATEMENT_CHARS = 262_144;
const GET_HINT = '. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries';

export async function startHttpInterface(wh: Warehouse, opts: HttpInterfaceOptions): Promise<RunningHttpInterface> {
  const chdb = wh.chdb;
  if (!chdb) throw new Error('the ClickHouse HTTP interface serves the embedded engine only');
  // Loaded here, not at import: processes that never serve the interface must not load the engine.
  const { Session } = await import('chdb');
  const conns = new EngineConnections(Session, chdb.session.path);
  const [timezone = 'UTC', version = 'unknown'] = (await chdb.queryAsync('SELECT timezone(), version()', { format: 'TSV' }))
    .text()
    .trim()
    .split('\t');
  const knownSettings = new Set(
    (await chdb.queryAsync('SELECT name FROM system.settings', { format: 'TSVRaw' })).text().split('\n').filter(Boolean),
  );
  const displayName = hostname();
  const users = opts.users.map((u) => ({ ...u, digest: digest(u.password) }));
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => fail(res, err, undefined));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      const hasQuery = /[?&]query=/.test(req.url ?? '');
      if (path === '/ping' || path === '/replicas_status' || !hasQuery) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
        return;
      }
    } else if (req.method !== 'POST') {
      throw ClickHouseHttpError.of('UNSUPPORTED_METHOD', `HTTP method ${req.method} is not supported`);
    }
    let request: ChRequest | undefined;
    try {
      request = await readRequest(req, { maxBodyBytes });
      const user = authenticate(request);
      const readonly = user.readonly === true || request.method === 'GET';
      const hint = request.method === 'GET' && !user.readonly ? GET_HINT : '';
      const settings = checkSettings(request, readonly);
      const result = await conns.with(
        {
          user: user.name,
          readonly,
          settings,
          sessionId: request.sessionId,
          sessionTimeoutMs: request.sessionTimeoutMs,
          sessionCheck: request.sessionCheck,
        },
        (conn) => execute(conn, request!, user.name, readonly, hint),
      );
      const encoding = chooseEncoding(request.responseEncoding);
      send(res, 200, {
        'Content-Type': contentType(result.format),
        'X-ClickHouse-Format': result.format,
        'X-ClickHouse-Query-Id': request.queryId,
        'X-ClickHouse-Timezone': timezone,
        'X-ClickHouse-Server-Display-Name': displayName,
        'X-ClickHouse-Summary': JSON.stringify(result.summary),
      }, result.body, encoding);
    } catch (err) {
      fail(res, err, request?.queryId);
    }
  }

  function authenticate(request: ChRequest) {
    const given = digest(request.password);
    const user = users.find((u) => u.name === request.user);
    // Compared as digests of equal length, in constant time, whether or not the user exists.
    const ok = timingSafeEqual(given, user?.digest ?? digest(`\u0000${request.password}`)) && user !== undefined;
    if (!ok) {
      throw ClickHouseHttpError.of(
        'AUTHENTICATION_FAILED',
        `${request.user}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
    return user;
  }

  /** Settings the engine knows, minus those a read-only caller may not change. */
  function checkSettings(request: ChRequest, readonly: boolean): Array<[string, string]> {
    return [...request.settings].filter(([name, value]) => {
      if (!knownSettings.has(name)) throw ClickHouseHttpError.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
      if (!readonly || !READ_ONLY_DENIED_SETTINGS.has(name)) return true;
      // Asking for the read-only mode the caller already has changes nothing.
      if (name === 'readonly' && value !== '0') return false;
      throw ClickHouseHttpError.of('READONLY', `Cannot modify '${name}' setting in readonly mode`);
    });
  }

  async function execute(conn: EngineConnection, request: ChRequest, user: string, readonly: boolean, hint: string) {
    if (request.database) await run(() => conn.query(`USE ${backquote(request.database!)}`, 'TSV'));

    const { text, head } = statementText(request);
    if (!text.trim()) throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Empty query');
    if (readonly && text.length > MAX_STATEMENT_CHARS) {
      throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Max query size exceeded (can be increased with the `max_query_size` setting)');
    }
    const canonical = await formatQuery(conn, readonly ? text : head);
    const info: StatementInfo = describeStatement(canonical);
    if (readonly) assertReadOnly(info, user, hint);
    if (info.kind === 'insert' && info.format && BINARY_FORMATS.test(info.format)) {
      throw ClickHouseHttpError.of(
        'NOT_IMPLEMENTED',
        `inserting ${info.format} data is not served by the embedded engine; send a text format such as JSONEachRow, CSV or TabSeparated`,
      );
    }
    // A read-only caller runs exactly what was checked; a writer's text may carry insert data.
    const sql = readonly ? canonical : text;
    const format = (info.kind !== 'insert' && info.format) || request.defaultFormat || DEFAULT_FORMAT;
    const types = placeholderTypes(sql);
    const bound: Record<string, unknown> = {};
    for (const [name, raw] of request.params) if (types.has(name)) bound[name] = bindValue(raw, types.get(name));
    const result = await run(() =>
      Object.keys(bound).length > 0 ? conn.queryBind(sql, bound, format) : conn.query(sql, format),
    );
    const bytes = result.bytes();
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const insert = info.kind === 'insert';
    const summary: Summary = {
      read_rows: String(result.rowsRead),
      read_bytes: String(result.bytesRead),
      written_rows: insert ? String(result.rowsRead) : '0',
      written_bytes: insert ? String(result.bytesRead) : '0',
      total_rows_to_read: '0',
      result_rows: insert ? '0' : String(result.rowsRead),
      result_bytes: String(body.length),
      elapsed_ns: String(Math.round(result.elapsed * 1e9)),
    };
    return { body, format: insert ? request.defaultFormat ?? DEFAULT_FORMAT : format, summary };
  }

  function fail(res: ServerResponse, err: unknown, queryId: string | undefined) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const e: ClickHouseHttpError | EngineError =
      err instanceof ClickHouseHttpError || err instanceof EngineError
        ? err
        : ClickHouseHttpError.of('STD_EXCEPTION', (err as Error)?.message ?? String(err));
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'X-ClickHouse-Server-Display-Name': displayName,
    };
    if (queryId) headers['X-ClickHouse-Query-Id'] = queryId;
    send(res, e.status, headers, Buffer.from(e.body(version)), undefined);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => {
              conns.close();
              res();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * The statement as the server sees it (the `query` parameter, then a line feed, then the body) and
 * the part worth parsing: for an INSERT whose head is in the URL, the body is data.
 */
function statementText(request: ChRequest): { text: string; head: string } {
  const { urlQuery, body } = request;
  const text = urlQuery && body ? `${urlQuery}\n${body}` : urlQuery || body;
  if (urlQuery && body && /^\s*INSERT\b/i.test(urlQuery)) return { text, head: urlQuery };
  // Insert data in the body ends the statement; the parser never needs more than a query's worth.
  return { text, head: text.length > MAX_STATEMENT_CHARS + 65_536 ? text.slice(0, MAX_STATEMENT_CHARS + 65_536) : text };
}

/** The engine's canonical text of one statement; a syntax error or a second statement is the engine's error. */
async function formatQuery(conn: EngineConnection, text: string): Promise<string> {
  const result = await run(() => conn.queryBind('SELECT formatQuery({q:String}) AS q', { q: text }, 'JSONEachRow'));
  return (JSON.parse(result.text()) as { q: string }).q;
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ClickHouseHttpError) throw err;
    const e = engineError(err);
    // Errors raised while parsing name our wrapper query; report them as the client's own.
    const scope = e.text.lastIndexOf(': In scope SELECT formatQuery(');
    if (scope > 0) {
      const tail = /\((?:[A-Z0-9_]+)\)\s*$/.exec(e.text)?.[0] ?? '';
      throw new EngineError(e.code, `${e.text.slice(0, scope).replace(/[\s.]+$/, '')}. ${tail}`);
    }
    throw e;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function backquote(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
