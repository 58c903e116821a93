// Shared set-up for the SDK's browser tests: one Chromium and one fixture server per test file,
// a fresh browser context (cookies, storage) per test, and page errors collected so a test can
// assert the SDK never threw into the page.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { SpoorEventInput } from '@spoor/events';
import { launchChromium } from '../../../../test/support/browser.js';
import { startSdkServer, type SdkServer } from '../../../../test/support/sdk-server.js';

export interface Harness {
  server: SdkServer;
  browser: Browser;
  /** A new context (no cookies, empty storage) and a page on `path` of the fixture server. */
  open(path: string, options?: BrowserContextOptions & { init?: () => void }): Promise<Page>;
  /** Page errors and console errors seen in any page so far. */
  errors: string[];
  /** Waits until the collector has `n` events matching `pick`, and returns them. */
  waitForEvents(pick: (e: SpoorEventInput) => boolean, n?: number, timeout?: number): Promise<SpoorEventInput[]>;
}

export function useHarness(): Harness {
  const contexts: BrowserContext[] = [];
  const h = { errors: [] as string[] } as Harness;
  beforeAll(async () => {
    [h.server, h.browser] = await Promise.all([startSdkServer(), launchChromium({ bfcache: true })]);
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    h.server.reset();
    h.errors.length = 0;
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.server?.close();
  });
  h.open = async (path, options = {}) => {
    const { init, ...rest } = options;
    const context = await h.browser.newContext(rest);
    contexts.push(context);
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    page.on('pageerror', (e) => h.errors.push(e.message));
    await page.goto(h.server.pages + path);
    return page;
  };
  h.waitForEvents = async (pick, n = 1, timeout = 10_000) => {
    await expect.poll(() => h.server.events().filter(pick).length, { timeout, interval: 50 }).toBeGreaterThanOrEqual(n);
    return h.server.events().filter(pick);
  };
  return h;
}

/** Every batch the server received satisfied the wire contract. */
export function expectValidBatches(server: SdkServer): void {
  for (const b of server.batches) expect(b.invalid, JSON.stringify(b.body)).toEqual([]);
}

export const ofType =
  (type: SpoorEventInput['type'], more: (e: SpoorEventInput) => boolean = () => true) =>
  (e: SpoorEventInput) =>
    e.type === type && more(e);
