// The one guard of every state-changing form (sign-out, forget, save a segment, schedule a
// webhook): a live session, a request that did not come from another site, and the session's
// form token in the body. A failure is a 403 that names no detail an attacker could use.
import type { Context } from 'hono';
import { AdminError } from '../../errors.js';
import { crossSite, type AdminAuth } from '../bearer-auth/index.js';
import { csrfMatches, type AdminSession } from './store.js';

/** The name of the hidden field carrying the session's form token. */
export const CSRF_FIELD = '_csrf';

export interface CheckedForm {
  session: AdminSession;
  form: Record<string, string>;
}

export async function checkedForm(c: Context, auth: AdminAuth): Promise<CheckedForm> {
  const session = auth.session(c);
  if (!session) throw new AdminError(401, 'unauthorized', 'your session has ended; sign in again');
  const body = await c.req.parseBody({ all: false });
  if (crossSite(c) || !csrfMatches(session, body[CSRF_FIELD])) {
    throw new AdminError(403, 'forbidden', 'this form did not come from the admin page; reload the page and try again');
  }
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
  return { session, form };
}
