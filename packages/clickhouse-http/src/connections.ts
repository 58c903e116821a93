// Engine connections for the HTTP interface. Each request runs on a chdb connection of its own
// (a session created by `session_id` keeps one), never on the connection that `spoor up` itself
// uses for inserts and migrations: `USE`, `SET` and settings a client sends then live and die with
// that connection. The request's settings are given when the connection opens, and a read-only
// caller's connection is opened with `readonly=1` after them, which the engine enforces for the
// connection's whole life and refuses to lift (it also refuses later changes of any setting).
import type { ChdbQueryStream, ChdbResult, RawInsertFormat, RawInsertSummary, Session } from 'chdb';
import { isParamName, quoteString, setParamsSql } from '@spoor/warehouse';
import { ClickHouseHttpError, engineError } from './errors.js';

type SessionCtor = new (path: string, opts?: { connectionArgs?: readonly string[] }) => Session;

export interface EngineConnection {
  readonly readonly: boolean;
  /** Runs a statement and buffers its whole result. */
  query(sql: string, format: string): Promise<ChdbResult>;
  /** Runs a query whose result is read chunk by chunk; `signal` ends it between chunks. */
  stream(sql: string, format: string, signal: AbortSignal): ChdbQueryStream;
  /** Inserts data in a text format; the summary counts the rows written, views included. */
  insert(params: { table: string; values: Buffer; format: RawInsertFormat; columns?: string[] }): Promise<RawInsertSummary>;
  /**
   * Sets the request's `param_*` values for `{name:Type}` placeholders. Over HTTP a value is text in
   * ClickHouse's escaped form, which `SET param_x = '…'` hands to the engine as it is, so the engine
   * parses it by the placeholder's type exactly as a server does (and no bound-parameter call is
   * used: chdb runs those one at a time for the whole process).
   */
  setParams(params: Map<string, string>): Promise<void>;
}

interface HeldSession {
  session: Session;
  readonly: boolean;
  busy: boolean;
  timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
}

/** Sessions kept at once; a client that opens more gets an error instead of the process growing. */
const MAX_SESSIONS = 256;

export class EngineConnections {
  private readonly sessions = new Map<string, HeldSession>();
  private parserSession: Session | undefined;
  private closed = false;

  constructor(
    private readonly SessionClass: SessionCtor,
    private readonly path: string,
  ) {}

  /**
   * Runs `fn` on a connection: a fresh one closed afterwards, or the one of the caller's session.
   * Sessions are keyed by user too, so one user can never land in another's session.
   */
  async with<T>(
    opts: {
      user: string;
      readonly: boolean;
      /** Settings a new connection opens with: checked, limits and read-only mode included. */
      settings: Array<[string, string]>;
      /** The settings the request itself asked for, applied to a session's later requests with SET. */
      requested: Array<[string, string]>;
      sessionId?: string | undefined;
      sessionTimeoutMs: number;
      sessionCheck: boolean;
    },
    fn: (conn: EngineConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw ClickHouseHttpError.of('STD_EXCEPTION', 'the server is shutting down');
    if (!opts.sessionId) {
      const session = this.open(opts.settings);
      try {
        return await fn(wrap(session, opts.readonly));
      } finally {
        session.close();
      }
    }
    const key = `${opts.user}\u0000${opts.sessionId}`;
    let held = this.sessions.get(key);
    if (!held) {
      if (opts.sessionCheck) throw ClickHouseHttpError.of('SESSION_NOT_FOUND', `Session ${opts.sessionId} not found`);
      if (this.sessions.size >= MAX_SESSIONS) {
        throw ClickHouseHttpError.of('STD_EXCEPTION', `too many open sessions (${MAX_SESSIONS}); close some or stop sending session_id`);
      }
      held = { session: this.open(opts.settings), readonly: opts.readonly, busy: false, timeoutMs: opts.sessionTimeoutMs, timer: undefined };
      this.sessions.set(key, held);
    } else if (opts.requested.length > 0 && !held.busy) {
      // A later request of the session: its settings stay in the session, as SET would leave them
      // (a read-only session refuses them, as a server's does).
      const set = `SET ${opts.requested.map(([k, v]) => `${k} = ${quoteString(v)}`).join(', ')}`;
      await held.session.queryAsync(set, { format: 'TSV' }).catch((err: unknown) => {
        throw engineError(err);
      });
    }
    if (held.busy) {
      throw ClickHouseHttpError.of('SESSION_IS_LOCKED', `Session ${opts.sessionId} is locked by a concurrent client`);
    }
    held.busy = true;
    clearTimeout(held.timer);
    held.timeoutMs = opts.sessionTimeoutMs;
    try {
      // A read-only caller's session is read-only for its whole life, whatever a later request says.
      return await fn(wrap(held.session, held.readonly || opts.readonly));
    } finally {
      held.busy = false;
      const h = held;
      h.timer = setTimeout(() => this.expire(key, h), h.timeoutMs);
      h.timer.unref();
    }
  }

  private expire(key: string, held: HeldSession) {
    if (this.sessions.get(key) !== held || held.busy) return;
    this.sessions.delete(key);
    held.session.close();
  }

  private open(settings: Array<[string, string]>): Session {
    // One argv entry per setting, names checked against the engine's settings list by the caller,
    // so no entry can be read as a server option; readonly comes last, since the last value wins.
    const args = settings.map(([k, v]) => `--${k}=${v}`);
    try {
      return new this.SessionClass(this.path, args.length > 0 ? { connectionArgs: args } : undefined);
    } catch (err) {
      if (settings.length === 0) throw err;
      throw ClickHouseHttpError.of(
        'BAD_ARGUMENTS',
        `Cannot apply the settings ${settings.map(([k, v]) => `${k}=${v}`).join(', ')}: a value is not valid for its setting`,
      );
    }
  }

  /** A connection of its own for formatQuery: it parses statements and runs none. */
  parser(settings: Array<[string, string]>): EngineConnection {
    this.parserSession ??= this.open([...settings, ['readonly', '1']]);
    return wrap(this.parserSession, true);
  }

  close() {
    this.closed = true;
    this.parserSession?.close();
    for (const held of this.sessions.values()) {
      clearTimeout(held.timer);
      held.session.close();
    }
    this.sessions.clear();
  }
}

function wrap(session: Session, readonly: boolean): EngineConnection {
  return {
    readonly,
    query: (sql, format) => session.queryAsync(sql, { format }),
    stream: (sql, format, signal) => session.queryStream(sql, { format, signal }),
    insert: (params) => session.insert(params),
    async setParams(params) {
      if (params.size === 0) return;
      for (const name of params.keys()) {
        if (!isParamName(name)) throw ClickHouseHttpError.of('BAD_QUERY_PARAMETER', `Invalid query parameter name ${JSON.stringify(name)}`);
      }
      await session.queryAsync(setParamsSql(params), { format: 'TSV' }).catch((err: unknown) => {
        throw engineError(err);
      });
    },
  };
}
