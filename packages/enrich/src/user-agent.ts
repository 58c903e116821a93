// User-agent parsing with ua-parser-js 1.x (MIT; 2.x is AGPL), cached because a site's traffic
// repeats a few hundred distinct strings.
import { UAParser } from 'ua-parser-js';

export interface UserAgentInfo {
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  /** desktop, mobile, tablet or other (consoles, TVs, wearables...). */
  device_type: string;
}

const CACHE_LIMIT = 5_000;
const cache = new Map<string, UserAgentInfo>();

export function parseUserAgent(ua: string): UserAgentInfo {
  const hit = cache.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua).getResult();
  const kind = r.device.type;
  const info: UserAgentInfo = {
    browser: r.browser.name ?? '',
    browser_version: majorVersion(r.browser.version),
    os: r.os.name ?? '',
    os_version: r.os.version ?? '',
    device_type: kind === undefined ? 'desktop' : kind === 'mobile' || kind === 'tablet' ? kind : 'other',
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(ua, info);
  return info;
}

function majorVersion(v: string | undefined): string {
  return v ? (v.split('.')[0] ?? '') : '';
}
