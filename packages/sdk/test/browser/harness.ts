// Shared set-up for the SDK's browser tests: one Chromium and one fixture server per test file,
// a fresh browser context (cookies, storage) per test, and page errors collected so a test can
// assert the SDK never threw into the page.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { SpoorEventInput } from '@spoor/events';
import { launchChromium } from '@spoor/testkit/browser';
import { startSdkServer, type SdkServer } from '@spoor/testkit/sdk-server';

export interface Harness {
  server: SdkServer;
  browser: Browser;
  /**
   * A new context (no cookies, empty storage) and a page on `path` of the fixture server (`path`
   * may also be a whole URL on the server's port, e.g. http://www.spoor.test:PORT/...).
   */
  open(path: string, options?: BrowserContextOptions & { init?: () => void; attrs?: Record<string, string> }): Promise<Page>;
  /** Page errors and console errors seen in any page so far. */
  errors: string[];
  /** Waits until the collector has `n` events matching `pick`, and returns them. */
  waitForEvents(pick: (e: SpoorEventInput) => boolean, n?: number, timeout?: number): Promise<SpoorEventInput[]>;
}

export function useHarness(): Harness {
  const contexts: BrowserContext[] = [];
  const h = { errors: [] as string[] } as Harness;
  beforeAll(async () => {
    [h.server, h.browser] = await Promise.all([
      startSdkServer(),
      // *.spoor.test are sibling subdomains of one site, for the cookie-domain tests.
      launchChromium({ bfcache: true, args: ['--host-resolver-rules=MAP *.spoor.test 127.0.0.1'] }),
    ]);
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    // Closing a page beacons what it held: let that land before the next test starts counting.
    await new Promise((r) => setTimeout(r, 300));
    h.server.reset();
    h.errors.length = 0;
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.server?.close();
  });
  h.open = async (path, options = {}) => {
    const { init, attrs, ...rest } = options;
    const context = await h.browser.newContext(rest);
    contexts.push(context);
    if (init) await context.addInitScript(init);
    if (attrs) await context.addInitScript(setScriptAttributes, attrs);
    const page = await context.newPage();
    page.on('pageerror', (e) => h.errors.push(e.message));
    await page.goto(path.startsWith('http') ? path : h.server.pages + path);
    return page;
  };
  h.waitForEvents = async (pick, n = 1, timeout = 10_000) => {
    await expect.poll(() => h.server.events().filter(pick).length, { timeout, interval: 50 }).toBeGreaterThanOrEqual(n);
    return h.server.events().filter(pick);
  };
  return h;
}

/**
 * Adds data-* options to the fixture's script tag before it runs, as if the owner had written
 * them: <script async src="/sdk.js" data-site="test" data-ga4="off">.
 */
function setScriptAttributes(attrs: Record<string, string>) {
  new MutationObserver((_, observer) => {
    const tag = document.querySelector('script[data-site]');
    if (!tag) return;
    for (const [k, v] of Object.entries(attrs)) tag.setAttribute(k, v);
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

/** Every batch the server received satisfied the wire contract. */
export function expectValidBatches(server: SdkServer): void {
  for (const b of server.batches) expect(b.invalid, JSON.stringify(b.body)).toEqual([]);
}

type EventOf<T extends SpoorEventInput['type']> = Extract<SpoorEventInput, { type: T }>;

/** A filter for events of `type` (and `more`, which sees the event with its type's fields). */
export function ofType<T extends SpoorEventInput['type']>(type: T, more: (e: EventOf<T>) => boolean = () => true) {
  return (e: SpoorEventInput): boolean => e.type === type && more(e as EventOf<T>);
}

/** Makes the page report itself hidden, as when the tab is switched away or closed. */
export async function hide(page: Page): Promise<void> {
  await setVisibility(page, 'hidden');
}

export async function show(page: Page): Promise<void> {
  await setVisibility(page, 'visible');
}

async function setVisibility(page: Page, state: DocumentVisibilityState) {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

/** Calls the page's `spoor.<method>(...args)` and waits for a returned promise. */
export function spoor(page: Page, method: string, ...args: unknown[]): Promise<unknown> {
  return page.evaluate(
    ([m, a]) => {
      const [ns, fn] = (m as string).includes('.') ? (m as string).split('.') : [undefined, m as string];
      const w = window as unknown as { spoor: Record<string, unknown> };
      const target = (ns ? w.spoor[ns] : w.spoor) as Record<string, (...x: unknown[]) => unknown>;
      return target[fn!]!(...(a as unknown[]));
    },
    [method, args] as const,
  );
}
