// Bot classification: flag and explain, never delete, so analysts can see what was filtered.
import { isbotMatch } from 'isbot';

export interface BotVerdict {
  is_bot: boolean;
  /** Why: `ua:<matched pattern>`, `headless`, `webdriver`, `prefetch`, `empty_ua`; empty for people. */
  reason: string;
}

const HEADLESS = /HeadlessChrome|PhantomJS|SlimerJS|Electron\/.*\bHeadless|Puppeteer|Playwright/i;

export interface BotSignals {
  userAgent: string;
  /** `navigator.webdriver` as reported by the SDK. */
  webdriver?: boolean | undefined;
  /** `Sec-Purpose: prefetch` / `Purpose: prefetch`. */
  prefetch?: boolean | undefined;
}

export function classifyBot({ userAgent, webdriver, prefetch }: BotSignals): BotVerdict {
  if (!userAgent.trim()) return { is_bot: true, reason: 'empty_ua' };
  if (HEADLESS.test(userAgent)) return { is_bot: true, reason: 'headless' };
  if (webdriver) return { is_bot: true, reason: 'webdriver' };
  const match = isbotMatch(userAgent);
  if (match) return { is_bot: true, reason: `ua:${match.toLowerCase().slice(0, 40)}` };
  if (prefetch) return { is_bot: true, reason: 'prefetch' };
  return { is_bot: false, reason: '' };
}
