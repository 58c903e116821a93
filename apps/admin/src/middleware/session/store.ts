// Signed-in browsers of the admin page: a random session id in an HttpOnly cookie, the session kept
// here, so signing out ends it at once (a cookie derived from the token would stay valid for ever,
// after sign-out too). The admin app runs in one process (`spoor up`); a restart signs everyone out.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface AdminSession {
  /** The form token every state-changing request of this session must carry (CSRF). */
  csrf: string;
  createdAt: number;
  seenAt: number;
}

export interface SessionStoreOptions {
  /** A session unused this long ends. @defaultValue 2 hours */
  idleMs?: number;
  /** A session ends this long after sign-in, used or not. @defaultValue 12 hours */
  maxAgeMs?: number;
  /** Sessions kept at once; the oldest goes first. @defaultValue 1000 */
  max?: number;
  now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, AdminSession>();
  private readonly idleMs: number;
  private readonly maxAgeMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: SessionStoreOptions = {}) {
    this.idleMs = opts.idleMs ?? 2 * 3_600_000;
    this.maxAgeMs = opts.maxAgeMs ?? 12 * 3_600_000;
    this.max = opts.max ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** A new session; returns the cookie value (only its digest is kept). */
  create(): { id: string; session: AdminSession } {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = { csrf: randomBytes(24).toString('base64url'), createdAt: now, seenAt: now };
    if (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, or undefined (unknown, ended, expired). */
  get(id: string | undefined): AdminSession | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const now = this.now();
    if (now - s.seenAt > this.idleMs || now - s.createdAt > this.maxAgeMs) {
      this.sessions.delete(key);
      return undefined;
    }
    s.seenAt = now;
    return s;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  /** Ends every session (the admin token changed, or a test wants a clean slate). */
  clear(): void {
    this.sessions.clear();
  }
}

/** The form's token matches the session's, compared in constant time. */
export function csrfMatches(session: AdminSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digestBuffer(presented), digestBuffer(session.csrf));
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('base64url');
}

function digestBuffer(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
