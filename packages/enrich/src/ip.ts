// IP anonymisation: the collector keeps a network prefix and a daily-salted hash, never the address.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 → its /24 (`203.0.113.0`); IPv6 → its /48 (`2001:db8:1::`). Anything else → ''. */
export function ipPrefix(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0`;
  if (isIPv6(ip)) {
    const groups = expandIPv6(ip);
    return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::`;
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

function expandIPv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const missing = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => g || '0');
}
