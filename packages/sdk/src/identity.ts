// Visitor and session ids. The visitor id is random, kept in a first-party cookie mirrored in
// localStorage; a session ends after `timeoutMs` without events. In cookieless mode the store
// keeps nothing past the page, so both ids are per page and events say `cookieless: true`.
import type { Store } from './store.js';
import { now, uuid } from './util.js';

/** The longest cookie lifetime browsers allow. */
export const MAX_AGE_S = 400 * 24 * 3600;

export interface IdFields {
  visitor_id: string;
  session_id: string;
  returning?: true;
  cookieless?: true;
}

export interface Identity {
  /** Ids for an event sent now; touching the session keeps it alive. */
  ids(): IdFields;
  /** A new visitor and session, as if the browser had never been here. */
  renew(): void;
  /** The visitor id (made now if there is none yet). */
  visitor(): string;
}

export function createIdentity(store: Store, timeoutMs: number, cookieless: () => boolean): Identity {
  // Whether the visitor id came from an earlier page (rather than being made on this one).
  let known: boolean | undefined;
  const visitor = () => {
    let v = store.get('vid');
    if (known == null) {
      known = !!v;
      // Once a page: rewrites the cookie from the localStorage mirror if it was cleared (Safari
      // drops script cookies after 7 days), and pushes its expiry forward.
      store.set('vid', (v ||= uuid()), MAX_AGE_S);
    }
    return v!;
  };
  return {
    ids() {
      const visitor_id = visitor();
      const t = now();
      const [sid, last, r] = (store.get('sid') ?? '').split('.');
      const idle = t - +last!;
      const fresh = !sid || !(idle < timeoutMs);
      const session_id = fresh ? uuid() : sid;
      // A returning visitor is one whose id existed before this session began.
      const returning = fresh ? known : r === '1';
      // Storage writes cost more than reads: the session's last activity is kept to the second.
      if (fresh || idle > 1000) store.set('sid', `${session_id}.${t}.${returning ? 1 : 0}`, timeoutMs / 1000);
      return { visitor_id, session_id, ...(cookieless() ? { cookieless: true } : returning && { returning }) };
    },
    renew() {
      store.set('vid', uuid(), MAX_AGE_S);
      store.del('sid');
      known = false;
    },
    visitor,
  };
}
