// ClickHouse's HTTP protocol served from the embedded engine, so analysts' ClickHouse tools, `spoor
// sql` and `spoor worker`/`spoor collector` processes reach the one process that holds the data
// directory, over exactly the protocol they use against a real server.
//
// How callers are kept apart on one engine, which also runs the process's own inserts:
// - every request runs on a chdb connection of its own (connections.ts), so its `database`,
//   settings, `SET` and `USE` never touch the connection `spoor up` inserts with;
// - each user has limits (limits.ts) applied to every query, which a read-only user may lower but
//   not lift (settings-policy.ts), and a lane (lane.ts) bounding its queries in flight, so analysts
//   can never take every thread or all the memory ingestion needs;
// - a read-only caller (the analyst user, or any GET) gets a connection opened with readonly=1,
//   and before that the engine's own parser (formatQuery) turns the statement into canonical text:
//   one statement only, of a reading kind, with no INTO OUTFILE and no function that reaches files
//   or the network (policy.ts); the canonical text is what then runs;
// - results stream to the client chunk by chunk, pulled only as fast as the client reads, and a
//   client that leaves (or `KILL QUERY`) ends its query's stream (running.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawInsertFormat } from 'chdb';
import { quoteString, type Warehouse } from '@spoor/warehouse';
import { EngineConnections, type EngineConnection } from './connections.js';
import { streamedHeaderLines, withoutHeader } from './formats.js';
import { ClickHouseHttpError, EngineError, engineError } from './errors.js';
import { Lane } from './lane.js';
import { writerLimits, type QueryLimits } from './limits.js';
import { assertReadOnly, describeStatement, insertTarget, parseKillQuery, type InsertTarget, type StatementInfo } from './policy.js';
import { readRequest, type ChRequest } from './request.js';
import {
  BINARY_FORMATS,
  chooseEncoding,
  contentType,
  EXCEPTION_TAG_HEADER,
  exceptionBlock,
  exceptionTag,
  respond,
  startBody,
  type Encoding,
  type Summary,
} from './response.js';
import { RunningQueries } from './running.js';
import { connectionSettings, SERVER_DEFAULTS } from './settings-policy.js';

export interface HttpInterfaceUser {
  name: string;
  password: string;
  /** Reads only: a readonly=1 connection and the statement checks above. @defaultValue false */
  readonly?: boolean;
  /** What each of this user's queries may take. @defaultValue writerLimits() */
  limits?: QueryLimits;
}

export interface HttpInterfaceOptions {
  port: number;
  /** @defaultValue `127.0.0.1` */
  host?: string;
  users: HttpInterfaceUser[];
  /** Largest request body, compressed or not. @defaultValue 256 MiB */
  maxBodyBytes?: number;
  /**
   * Largest result held whole in memory: `wait_end_of_query=1` answers, whose summary must count
   * every row before the first byte goes out, and formats that cannot stream (formats.ts).
   * Streamed results are not held. @defaultValue 256 MiB
   */
  maxBufferedResultBytes?: number;
}

export interface RunningHttpInterface {
  port: number;
  /** Queries in flight now, by user. */
  inFlight(): Record<string, number>;
  close(): Promise<void>;
}

const DEFAULT_FORMAT = 'TabSeparated';
/** The engine's max_query_size default: a longer statement is a syntax error on a server too. */
const MAX_STATEMENT_CHARS = 262_144;
const GET_HINT = '. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries';
/** The engine's code for an INSERT whose columns resolve to none. */
const EMPTY_LIST_OF_COLUMNS_PASSED = 90;
const TEXT_INSERT_FORMATS = new Set<string>([
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
]);

interface User extends Required<Omit<HttpInterfaceUser, 'limits'>> {
  limits: QueryLimits;
  digest: Buffer;
  lane: Lane;
}

interface Statement extends StatementInfo {
  canonical: string;
  /** As sent (a writer's INSERT data included). */
  text: string;
  /** The output format: the statement's FORMAT clause, else the request's default. */
  format: string;
  /** An INSERT's FORMAT clause: the format its data is in. */
  inputFormat: string | undefined;
}

interface Outcome {
  format: string;
  /** A whole answer, or one that streams (`head` already read, so errors surface before headers). */
  body: Buffer | { head: Buffer[]; rest: AsyncIterator<Buffer> };
  summary: Summary;
}

export async function startHttpInterface(wh: Warehouse, opts: HttpInterfaceOptions): Promise<RunningHttpInterface> {
  const path = wh.enginePath;
  if (!path) throw new Error('the ClickHouse HTTP interface serves the embedded engine only');
  // Loaded here, not at import: processes that never serve the interface must not load the engine.
  const { Session } = await import('chdb');
  const conns = new EngineConnections(Session, path);
  const [timezone = 'UTC', version = 'unknown'] = (await wh.queryText('SELECT timezone(), version()', 'TSV')).trim().split('\t');
  const knownSettings = new Set((await wh.queryText('SELECT name FROM system.settings', 'TSVRaw')).split('\n').filter(Boolean));
  const displayName = hostname();
  const users: User[] = opts.users.map((u) => {
    const limits = u.limits ?? writerLimits();
    return { readonly: false, ...u, limits, digest: digest(u.password), lane: new Lane(limits.maxConcurrentQueries, limits.queueWaitMs) };
  });
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;
  const maxBuffered = opts.maxBufferedResultBytes ?? 256 * 1024 * 1024;
  const running = new RunningQueries();
  // Parses statements (formatQuery) and runs nothing else.
  let parser: EngineConnection | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => fail(res, err, undefined, undefined));
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
    // A client that leaves takes its query with it: waiting in the lane, or streaming.
    const left = new AbortController();
    res.once('close', () => left.abort());
    let request: ChRequest | undefined;
    let encoding: Encoding | undefined;
    try {
      request = await readRequest(req, { maxBodyBytes });
      encoding = chooseEncoding(request.responseEncoding);
      const user = authenticate(request);
      const readonly = user.readonly || request.method === 'GET';
      const hint = request.method === 'GET' && !user.readonly ? GET_HINT : '';
      const statement = await checkStatement(request, user, readonly, hint);
      // A result answered whole is bounded to what the process may hold.
      const whole = statement.kind === 'select' && (request.waitEndOfQuery || streamedHeaderLines(statement.format) === undefined);
      const settings = connectionSettings({
        requested: request.settings,
        readonly,
        limits: user.limits,
        known: knownSettings,
        atMost: whole ? { max_result_bytes: maxBuffered } : undefined,
      });
      const release = await user.lane.acquire(left.signal);
      let done: (() => void) | undefined;
      try {
        done = running.add(request.queryId, user.name, statement.canonical, () => left.abort());
        await conns.with(
          {
            user: user.name,
            readonly,
            settings,
            requested: [...request.settings],
            sessionId: request.sessionId,
            sessionTimeoutMs: request.sessionTimeoutMs,
            sessionCheck: request.sessionCheck,
          },
          async (conn) => {
            const outcome = await execute(conn, request!, statement, user, readonly, left.signal);
            const headers = {
              'Content-Type': contentType(outcome.format),
              'X-ClickHouse-Format': outcome.format,
              'X-ClickHouse-Query-Id': request!.queryId,
              'X-ClickHouse-Timezone': timezone,
              'X-ClickHouse-Server-Display-Name': displayName,
              'X-ClickHouse-Summary': JSON.stringify(outcome.summary),
            };
            if (Buffer.isBuffer(outcome.body)) respond(res, 200, headers, outcome.body, encoding);
            else await streamOut(res, headers, outcome.body, encoding, version);
          },
        );
      } finally {
        done?.();
        release();
      }
    } catch (err) {
      fail(res, err, request?.queryId, encoding);
    }
  }

  function authenticate(request: ChRequest): User {
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

  /**
   * The statement, parsed by the engine (formatQuery, on a connection that runs nothing else) before
   * any connection is opened for it, so its kind and format decide the connection's settings.
   */
  async function checkStatement(request: ChRequest, user: User, readonly: boolean, hint: string): Promise<Statement> {
    const { text, head } = statementText(request);
    if (!text.trim()) throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Empty query');
    if (readonly && text.length > MAX_STATEMENT_CHARS) {
      throw ClickHouseHttpError.of('SYNTAX_ERROR', 'Max query size exceeded (can be increased with the `max_query_size` setting)');
    }
    // Parsed as a server would: with implicit_select=0 a bare word is no SELECT.
    parser ??= conns.parser([...SERVER_DEFAULTS]);
    const canonical = await formatQuery(parser, readonly ? text : head);
    const info = describeStatement(canonical);
    if (readonly) assertReadOnly(info, user.name, hint);
    const format = (info.kind !== 'insert' && info.format) || request.defaultFormat || DEFAULT_FORMAT;
    return { ...info, canonical, text, format, inputFormat: info.kind === 'insert' ? info.format : undefined };
  }

  async function execute(
    conn: EngineConnection,
    request: ChRequest,
    statement: Statement,
    user: User,
    readonly: boolean,
    signal: AbortSignal,
  ): Promise<Outcome> {
    if (request.database) await run(() => conn.query(`USE ${backquote(request.database!)}`, 'TSV'));
    const { format } = statement;

    if (statement.kind === 'kill') {
      const kill = parseKillQuery(statement);
      const rows = await running.kill(kill.ids, { user: user.name, readonly }, kill.mode);
      const values = rows.map((r) => `(${[r.kill_status, r.query_id, r.user, r.query].map(quoteString).join(', ')})`);
      // The rows rendered by the engine in the request's format, as a server's KILL answers.
      const sql =
        values.length > 0
          ? `SELECT * FROM VALUES('kill_status String, query_id String, user String, query String', ${values.join(', ')})`
          : "SELECT '' AS kill_status, '' AS query_id, '' AS user, '' AS query WHERE 0";
      const result = await run(() => conn.query(sql, format));
      return { body: bytesOf(result.bytes()), format, summary: summary(0, 0, rows.length, result.bytes().length, 0) };
    }

    await run(() => conn.setParams(request.params));
    if (statement.kind === 'insert') return insert(conn, request, statement);

    // A read-only caller runs exactly what was checked; a writer's text runs as sent.
    const sql = readonly ? statement.canonical : statement.text;
    const headerLines = streamedHeaderLines(format);
    if (request.waitEndOfQuery || headerLines === undefined || statement.kind !== 'select') {
      // wait_end_of_query=1, so the summary counts everything; a format with a head and a tail; a
      // statement that is not a query: the whole result first, bounded by max_result_bytes.
      const result = await run(() => conn.query(sql, format));
      const body = bytesOf(result.bytes());
      return { body, format, summary: summary(result.rowsRead, result.bytesRead, 0, body.length, result.elapsed) };
    }
    const stream = conn.stream(sql, format, signal);
    const chunks = stream[Symbol.asyncIterator]();
    // The first chunk (or the end) before any header: most errors (syntax, access, limits hit at
    // once) are then answered with their status, as a server does.
    const first = await run(() => chunks.next());
    const head = first.done ? [] : [bytesOf(first.value.raw())];
    const rows = first.done ? 0 : first.value.numRows;
    const rest: AsyncIterator<Buffer> = first.done
      ? { next: async () => ({ done: true, value: undefined }) }
      : {
          async next() {
            const n = await chunks.next();
            return n.done ? { done: true, value: undefined } : { done: false, value: withoutHeader(bytesOf(n.value.raw()), headerLines) };
          },
          async return() {
            stream.cancel();
            return { done: true, value: undefined };
          },
        };
    return { body: { head, rest }, format, summary: summary(0, 0, rows, head[0]?.length ?? 0, 0) };
  }

  /** A writer's INSERT: text data through the engine's raw insert, which counts the rows written. */
  async function insert(conn: EngineConnection, request: ChRequest, statement: Statement): Promise<Outcome> {
    const { text, inputFormat } = statement;
    const format = request.defaultFormat ?? DEFAULT_FORMAT;
    const target = insertTarget(statement);
    if (inputFormat && BINARY_FORMATS.test(inputFormat)) {
      // Binary data is the body, whole: the statement must be in the `query` parameter.
      if (!target || !request.urlQuery || !/^\s*INSERT\b/i.test(request.urlQuery) || request.bodyBytes.length === 0) {
        throw ClickHouseHttpError.of(
          'NOT_IMPLEMENTED',
          `inserting ${inputFormat} data is served with the INSERT … FORMAT ${inputFormat} statement in the \`query\` parameter and the data as the request body`,
        );
      }
      return insertFile(conn, target, request.bodyBytes, format);
    }
    const data = target ? insertData(request, text, target.format) : undefined;
    if (target && data !== undefined && TEXT_INSERT_FORMATS.has(target.format) && target.settings.length === 0) {
      if (data.trim() === '') {
        // No rows: a server inserts nothing and answers 200; the table must still exist.
        await run(() => conn.query(`SELECT 1 FROM ${target.table} LIMIT 0`, 'TSV'));
        return { body: Buffer.alloc(0), format, summary: summary(0, 0, 0, 0, 0) };
      }
      const r = await run(() =>
        conn.insert({
          table: target.table,
          values: Buffer.from(data),
          format: target.format as RawInsertFormat,
          ...(target.columns ? { columns: target.columns } : {}),
        }),
      );
      return {
        body: Buffer.alloc(0),
        format,
        summary: { ...summary(0, 0, 0, 0, r.elapsed), written_rows: String(r.rowsWritten), written_bytes: String(r.bytesWritten) },
      };
    }
    // Inline VALUES, INSERT … SELECT, or SETTINGS in the statement: the engine runs it as written.
    try {
      const result = await run(() => conn.query(text, format));
      return { body: Buffer.alloc(0), format, summary: summary(result.rowsRead, result.bytesRead, 0, 0, result.elapsed) };
    } catch (err) {
      // Columns that resolve to none (`(* EXCEPT (every column))`) over HTTP: a server inserts
      // nothing and answers 200; the embedded engine refuses the statement instead.
      if (err instanceof EngineError && err.code === EMPTY_LIST_OF_COLUMNS_PASSED && inputFormat) {
        return { body: Buffer.alloc(0), format, summary: summary(0, 0, 0, 0, 0) };
      }
      throw err;
    }
  }

  /**
   * A binary-format INSERT (Parquet, Arrow, ORC, Avro, RowBinary, Native…): the engine's raw insert
   * takes text only, so the body goes to a private temporary file the engine reads `FROM INFILE`,
   * with the columns and format of the statement, and is removed once the insert ends.
   */
  async function insertFile(conn: EngineConnection, target: InsertTarget, bytes: Buffer, format: string): Promise<Outcome> {
    const dir = await mkdtemp(join(tmpdir(), 'spoor-chhttp-insert-'));
    try {
      const file = join(dir, 'data');
      await writeFile(file, bytes, { mode: 0o600 });
      const columns = target.columns ? ` (${target.columns.map(backquote).join(', ')})` : '';
      const settings = target.settings.length > 0 ? ` SETTINGS ${target.settings.map(([k, v]) => `${k} = ${quoteString(v)}`).join(', ')}` : '';
      const sql = `INSERT INTO ${target.table}${columns} FROM INFILE ${quoteString(file)}${settings} FORMAT ${target.format}`;
      const result = await run(() => conn.query(sql, 'TSV'));
      return { body: Buffer.alloc(0), format, summary: summary(result.rowsRead, result.bytesRead, 0, 0, result.elapsed) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  function fail(res: ServerResponse, err: unknown, queryId: string | undefined, encoding: Encoding | undefined) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const e = asProtocolError(err);
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'X-ClickHouse-Server-Display-Name': displayName,
    };
    if (queryId) headers['X-ClickHouse-Query-Id'] = queryId;
    respond(res, e.status, headers, Buffer.from(e.body(version)), encoding);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        inFlight: () => Object.fromEntries(users.map((u) => [u.name, u.lane.inFlight])),
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
 * Writes a streamed result: the chunks already read, then the rest, each pulled only once the
 * socket took the previous one. An error after the headers went out can no longer be a status: it
 * ends the body as the exception block framed with the answer's tag (X-ClickHouse-Exception-Tag),
 * and the answer is broken off without its end, as a server does.
 */
async function streamOut(
  res: ServerResponse,
  headers: Record<string, string>,
  body: { head: Buffer[]; rest: AsyncIterator<Buffer> },
  encoding: Encoding | undefined,
  version: string,
) {
  const tag = exceptionTag();
  const out = startBody(res, 200, { ...headers, [EXCEPTION_TAG_HEADER]: tag }, encoding);
  try {
    for (const chunk of body.head) await out.write(chunk);
    for (let n = await body.rest.next(); !n.done; n = await body.rest.next()) {
      if (res.destroyed) break;
      await out.write(n.value);
    }
    await out.end();
  } catch (err) {
    await out.breakOff(exceptionBlock(tag, asProtocolError(err).body(version))).catch(() => res.destroy());
  } finally {
    await body.rest.return?.();
  }
}

function asProtocolError(err: unknown): ClickHouseHttpError | EngineError {
  if (err instanceof ClickHouseHttpError || err instanceof EngineError) return err;
  const e = engineError(err);
  return e.code !== 1001 ? e : ClickHouseHttpError.of('STD_EXCEPTION', (err as Error)?.message ?? String(err));
}

function summary(readRows: number, readBytes: number, resultRows: number, resultBytes: number, elapsedSec: number): Summary {
  return {
    read_rows: String(readRows),
    read_bytes: String(readBytes),
    written_rows: '0',
    written_bytes: '0',
    total_rows_to_read: '0',
    result_rows: String(resultRows),
    result_bytes: String(resultBytes),
    elapsed_ns: String(Math.round(elapsedSec * 1e9)),
  };
}

function bytesOf(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
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

/** The data of an INSERT … FORMAT statement: the body when the URL holds the statement, else what follows the format name. */
function insertData(request: ChRequest, text: string, format: string): string | undefined {
  if (request.urlQuery && request.body && /^\s*INSERT\b/i.test(request.urlQuery)) {
    return /\bFORMAT\s+\S+\s*$/i.test(request.urlQuery) ? request.body : undefined;
  }
  const m = new RegExp(`\\bFORMAT\\s+${format.replace(/[^A-Za-z0-9_]/g, '')}\\b[ \\t]*\\r?\\n?`, 'i').exec(text);
  return m ? text.slice(m.index + m[0].length) : undefined;
}

/**
 * The engine's canonical text of one statement; a syntax error or a second statement is the
 * engine's error. The text goes in as a string literal rather than a bound parameter: chdb runs
 * bound-parameter queries one at a time across the whole process.
 */
async function formatQuery(conn: EngineConnection, text: string): Promise<string> {
  const result = await run(() => conn.query(`SELECT formatQuery(${quoteString(text)}) AS q`, 'JSONEachRow'));
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
