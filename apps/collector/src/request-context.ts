// Facts about the sender taken from the request: client IP (anonymised here, never passed on),
// user agent, privacy and prefetch headers.
import type { Context } from 'hono';
import { hashIp, ipPrefix } from '@spoor/enrich';
import type { RequestContext } from '@spoor/queue';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The peer address, or with `trustProxy` the left-most X-Forwarded-For entry, as set by the
 * operator's own load balancer. Without trust the header is ignored: anyone can send it.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for');
    const first = xff?.split(',')[0]?.trim();
    if (first) return first;
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? '';
}

export async function requestContext(
  c: Context,
  site: string,
  opts: { trustProxy: boolean; ipSalt: () => Promise<string> },
): Promise<RequestContext> {
  const ip = clientIp(c, opts.trustProxy);
  const purpose = `${c.req.header('sec-purpose') ?? ''} ${c.req.header('purpose') ?? ''}`;
  return {
    user_agent: (c.req.header('user-agent') ?? '').slice(0, 512),
    ip_hash: ip ? hashIp(ip, await opts.ipSalt(), site) : '',
    ip_prefix: ip ? ipPrefix(ip) : '',
    gpc: c.req.header('sec-gpc') === '1',
    prefetch: /prefetch|prerender/i.test(purpose),
    server_side: c.req.method === 'POST' && !c.req.header('origin'),
  };
}
