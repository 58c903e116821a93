// IP anonymisation: the collector keeps a network prefix and a daily-salted hash, never the address.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 → its /24 (`203.0.113.0`); IPv6 → its /48 (`2001:db8:1::`). Anything else → ''. */
export function ipPrefix(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0`;
  if (isIPv6(ip)) {
    const groups = expandIPv6(ip);
    return `${groups
      .slice(0, 3)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::`;
  }
  return '';
}

/**
 * Hash of (salt, site, IP). The salt changes daily and old salts are deleted, so the hash cannot be
 * reversed by trying all IPv4 addresses once the day is over, nor joined across days or sites.
 */
export function hashIp(ip: string, salt: string, site: string): string {
  return createHash('sha256').update(salt).update('\0').update(site).update('\0').update(ip).digest('base64url').slice(0, 22);
}

/**
 * False for loopback, private, link-local, carrier-grade NAT and unique-local addresses: a peer
 * with such an address is a proxy, a load balancer or a local process, not a client on the
 * internet, so it cannot stand for one person (rate limits by IP skip it).
 */
export function isPublicIp(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return !(
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (!isIPv6(ip)) return false;
  const first = parseInt(expandIPv6(ip)[0]!, 16);
  const loopbackOrUnspecified = /^[0:]+1?$/.test(ip.replace(/^::/, '0::'));
  // fc00::/7 unique local, fe80::/10 link local.
  return !(loopbackOrUnspecified || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80);
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const missing = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => g || '0');
}
