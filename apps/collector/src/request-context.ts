// Facts about the sender taken from the request: client IP (anonymised here, never passed on),
// user agent, privacy and prefetch headers.
import { isIP } from 'node:net';
import type { Context } from 'hono';
import { hashIp, ipPrefix } from '@spoor/enrich';
import type { RequestContext } from '@spoor/queue';
import { CollectorError } from './errors.js';

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
    const entries = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
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
        throw new CollectorError(503, 'queue_unavailable', 'queue unavailable, retry later', { retryAfter: 5 });
      })
    : '';
  const purpose = `${c.req.header('sec-purpose') ?? ''} ${c.req.header('purpose') ?? ''}`;
  return {
    user_agent: (c.req.header('user-agent') ?? '').slice(0, 512),
    ip_hash: ip ? hashIp(ip, salt, site) : '',
    ip_prefix: ip ? ipPrefix(ip) : '',
    gpc: isGpc(c),
    prefetch: /prefetch|prerender/i.test(purpose),
    server_side: c.req.method === 'POST' && !c.req.header('origin'),
    webdriver: opts.webdriver === true,
  };
}

export function isGpc(c: Context): boolean {
  return c.req.header('sec-gpc')?.trim() === '1';
}
