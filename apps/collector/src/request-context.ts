// Facts about the sender taken from the request: client IP (anonymised here, never passed on),
// user agent, privacy and prefetch headers.
import { isIP } from 'node:net';
import type { Context } from 'hono';
import { hashIp, ipPrefix } from '@spoor/enrich';
import type { RequestContext } from '@spoor/queue';
import { queueUnavailable } from './errors.js';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** `SPOOR_TRUST_PROXY` as a number of proxies in front of the collector: true is one, false none. */
export function proxyHops(trustProxy: boolean | number): number {
  return typeof trustProxy === 'number' ? Math.max(0, Math.floor(trustProxy)) : trustProxy ? 1 : 0;
}

/**
 * The peer address, or behind `hops` trusted proxies the X-Forwarded-For entry the outermost of
 * them appended: each proxy appends the address it saw, so counting from the right skips whatever
 * the client itself put in the header. Without trust the header is ignored: anyone can send it.
 */
export function clientIp(c: Context, trustProxy: boolean | number): string {
  const hops = proxyHops(trustProxy);
  if (hops > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const ip = entries[Math.max(0, entries.length - hops)];
    if (ip && isIP(ip)) return ip;
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? '';
}

export async function requestContext(
  c: Context,
  site: string,
  opts: { ip: string; ipSalt: () => Promise<string>; webdriver?: boolean | undefined },
): Promise<RequestContext> {
  const { ip } = opts;
  // The salt lives in Redis (cached for the day); without Redis the batch could not be queued either.
  const salt = ip
    ? await opts.ipSalt().catch(() => {
        throw queueUnavailable();
      })
    : '';
  const purpose = `${c.req.header('sec-purpose') ?? ''} ${c.req.header('purpose') ?? ''}`;
  const server_side = c.req.method === 'POST' && !c.req.header('origin');
  const lang = server_side ? undefined : firstLanguage(c.req.header('accept-language'));
  return {
    user_agent: (c.req.header('user-agent') ?? '').slice(0, 512),
    ip_hash: ip ? hashIp(ip, salt, site) : '',
    ip_prefix: ip ? ipPrefix(ip) : '',
    gpc: isGpc(c),
    prefetch: /prefetch|prerender/i.test(purpose),
    server_side,
    webdriver: opts.webdriver === true,
    ...(lang ? { lang } : {}),
  };
}

/** A BCP 47 tag as browsers send them (`de-DE`, `zh-Hant-TW`), within the `lang` column's 35 characters. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** The first language of an Accept-Language header (`de-DE,de;q=0.9,en;q=0.8` → `de-DE`), if it is a tag. */
export function firstLanguage(header: string | undefined): string | undefined {
  const tag = header?.split(',')[0]!.split(';')[0]!.trim();
  return tag && tag.length <= 35 && LANGUAGE_TAG.test(tag) ? tag : undefined;
}

export function isGpc(c: Context): boolean {
  return c.req.header('sec-gpc')?.trim() === '1';
}
