// A URL as logs and delivery records may show it: a password in its userinfo or a token in its
// query string never leaves in clear.

/** Scheme, host and path; no userinfo, no query, no fragment. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
