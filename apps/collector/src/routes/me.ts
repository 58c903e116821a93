// GET /v1/me?site=SITE: the calling visitor's own profile, only what the site exposes. The visitor
// is the HttpOnly spoor_id cookie; only without it, the SDK's id in X-Spoor-Visitor, and that only
// from a page (an Origin the site lists, or the browser's Sec-Fetch-Site saying the page is on the
// collector's own site), never from a server naming ids. No id, Sec-GPC: 1, consent
// denied (a browser that only sent cookieless events), unknown or erased: `{"known": false}`.
import type { Hono, MiddlewareHandler } from 'hono';
import { idSchema, type MeAnswer } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { CollectorError } from '../errors.js';
import { readVisitorCookie } from '../identity.js';
import { isGpc } from '../request-context.js';
import { read, siteForPage } from './page-lookup.js';

export const VISITOR_HEADER = 'X-Spoor-Visitor';

export function meRoute(app: Hono, deps: CollectorDeps, ipLimit: MiddlewareHandler) {
  app.get('/v1/me', ipLimit, async (c) => {
    const site = await siteForPage(c, deps);
    c.header('Cache-Control', 'private, no-store');
    c.header('Vary', 'Cookie', { append: true });
    const fromPage = c.req.header('origin') !== undefined || /^same-(origin|site)$/.test(c.req.header('sec-fetch-site') ?? '');
    const visitor = visitorOf(readVisitorCookie(c), c.req.header(VISITOR_HEADER), fromPage);
    if (!visitor || isGpc(c)) return c.json<MeAnswer>({ known: false });
    return c.json(await read(deps, (r) => r.me(site, visitor)));
  });
}

/** The cookie's visitor, else the header's (from a page only); a malformed header is refused. */
function visitorOf(cookie: string | undefined, header: string | undefined, fromPage: boolean): string | undefined {
  if (cookie) return cookie;
  if (header === undefined) return undefined;
  const id = idSchema.safeParse(header);
  if (!id.success) throw new CollectorError(400, 'invalid_request', `${VISITOR_HEADER}: ${id.error.issues[0]?.message ?? 'invalid'}`);
  return fromPage ? id.data : undefined;
}
