// Debian's Chromium driven by playwright-core (no browser download: `npx playwright install`
// cannot reach its CDN here).
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `options.bfcache`: keep the back/forward cache, which Playwright turns off by default.
 * `options.args`: extra command-line switches.
 */
export function launchChromium(options: { bfcache?: boolean; args?: string[] } = {}): Promise<Browser> {
  const extra: LaunchOptions = options.bfcache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {};
  return chromium.launch({
    ...extra,
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(options.args ?? []),
    ],
  });
}
