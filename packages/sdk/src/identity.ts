// Visitor and session ids. First cut: a first-party cookie for the visitor, a 30-minute idle
// session kept in the same cookie jar.
import { uuid } from './util.js';

const VISITOR_COOKIE = 'spoor_vid';
const SESSION_COOKIE = 'spoor_sid';
const SESSION_IDLE_MS = 30 * 60 * 1000;
const YEAR_S = 365 * 24 * 3600;

function readCookie(name: string): string | undefined {
  try {
    const m = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
    return m ? decodeURIComponent(m[1]!) : undefined;
  } catch {
    return undefined;
  }
}

function writeCookie(name: string, value: string, maxAgeS: number) {
  try {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${name}=${encodeURIComponent(value)}; Max-Age=${maxAgeS}; Path=/; SameSite=Lax${secure}`;
  } catch {
    // cookies blocked: ids live for this page only
  }
}

export interface Identity {
  visitorId(): string;
  /** The current session id, starting a new session after 30 idle minutes. */
  sessionId(): string;
  reset(): void;
}

export function createIdentity(): Identity {
  let visitor = readCookie(VISITOR_COOKIE) ?? uuid();
  let session: { id: string; last: number } | undefined;
  writeCookie(VISITOR_COOKIE, visitor, YEAR_S);
  return {
    visitorId: () => visitor,
    sessionId() {
      const now = Date.now();
      const stored = readCookie(SESSION_COOKIE);
      const [id, last] = stored ? stored.split('.') : [];
      session = id && last && now - Number(last) < SESSION_IDLE_MS ? { id, last: now } : { id: uuid(), last: now };
      writeCookie(SESSION_COOKIE, `${session.id}.${now}`, SESSION_IDLE_MS / 1000);
      return session.id;
    },
    reset() {
      visitor = uuid();
      writeCookie(VISITOR_COOKIE, visitor, YEAR_S);
      writeCookie(SESSION_COOKIE, '', 0);
    },
  };
}
