// URL pieces analysts group by: host, path, UTM tags, referrer domain.

export interface UrlParts {
  host: string;
  path: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
}

const EMPTY: UrlParts = {
  host: '',
  path: '',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_term: '',
  utm_content: '',
};

export function parseUrl(url: string | undefined): UrlParts {
  if (!url) return EMPTY;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return EMPTY;
  }
  const q = u.searchParams;
  const get = (k: string) => (q.get(k) ?? '').slice(0, 256);
  // Hash routers keep the route after '#': `/#/products/1` is the page `/products/1`.
  const hashRoute = u.hash.startsWith('#/') ? u.hash.slice(1).split('?')[0]! : '';
  return {
    host: u.hostname.toLowerCase(),
    path: hashRoute || u.pathname || '/',
    utm_source: get('utm_source').toLowerCase(),
    utm_medium: get('utm_medium').toLowerCase(),
    utm_campaign: get('utm_campaign'),
    utm_term: get('utm_term'),
    utm_content: get('utm_content'),
  };
}

/** `news.example.com` for `https://news.example.com/a?b`; empty for none, invalid or same-site. */
export function referrerDomain(referrer: string | undefined, pageHost = ''): string {
  if (!referrer) return '';
  try {
    const host = new URL(referrer).hostname.toLowerCase().replace(/^www\./, '');
    return host && host !== pageHost.replace(/^www\./, '') ? host : '';
  } catch {
    return '';
  }
}

/**
 * File links by their path's extension (what the browser SDK marked itself before the worker
 * derived it). A `download` attribute is seen only in the page: the SDK sends that case itself.
 */
const DOWNLOAD = /\.(pdf|zip|rar|7z|gz|dmg|exe|msi|apk|iso|csv|xlsx?|docx?|pptx?|txt|mp[34])$/i;

/**
 * A clicked link's kind: `download` for a file by its extension, `outbound` for an http(s) link to
 * another host (port included) than the page's, else empty. `href` is the link as the browser
 * resolved it, `pageUrl` the page it was clicked on.
 */
export function linkKind(href: string | undefined, pageUrl: string | undefined): '' | 'outbound' | 'download' {
  if (!href) return '';
  let link: URL;
  try {
    link = new URL(href, pageUrl);
  } catch {
    return '';
  }
  if (DOWNLOAD.test(link.pathname)) return 'download';
  if (!/^https?:$/.test(link.protocol)) return '';
  try {
    return link.host !== new URL(pageUrl ?? '').host ? 'outbound' : '';
  } catch {
    return ''; // no page to compare with: nothing can be said
  }
}
