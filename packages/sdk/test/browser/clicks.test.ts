// Click autocapture in Chromium: what is recorded for a control, what never is (field values,
// secret fields, ignored areas), and the download attribute, which only the page can see (the
// worker tells outbound links and file downloads from href: test/sdk.fullstack.test.ts).
import { describe, expect, it } from 'vitest';
import { expectValidBatches, ofType, spoor, useHarness } from './harness.js';

const h = useHarness();

type Click = { element: Record<string, string | undefined> };

describe('click autocapture', () => {
  it('records the control clicked: tag, trimmed text, id, classes, href and a stable selector', async () => {
    const page = await h.open('/clicks.html');
    await h.waitForEvents(ofType('pageview'));
    await page.click('button.btn .label'); // the span inside the button: the button is the control
    await page.click('ul.menu li:nth-child(2) a');
    const clicks = (await h.waitForEvents(ofType('click'), 2)) as unknown as Click[];
    expect(clicks[0]!.element).toEqual({
      tag: 'button',
      text: 'Buy now',
      id: '',
      classes: 'btn primary active',
      // no link: no href sent (the collector stores '')
      selector: '#top > button.btn.primary', // the "active" state class is not part of it
    });
    expect(clicks[1]!.element).toEqual({
      tag: 'a',
      text: 'Second',
      id: '',
      classes: '',
      href: `${h.server.pages}/clicks.html?b`,
      selector: 'ul.menu > li:nth-of-type(2) > a',
    });
    // The selector finds the element it was made for.
    expect(await page.locator(clicks[1]!.element.selector!).textContent()).toBe('Second');
    expectValidBatches(h.server);
  });

  it('marks a link with a download attribute, and sends the href the worker reads other kinds from', async () => {
    const page = await h.open('/clicks.html');
    await page.click('#out');
    await page.click('#pdf');
    await page.click('#save');
    const clicks = (await h.waitForEvents(ofType('click'), 3)) as unknown as Click[];
    expect(clicks.map((c) => [c.element.id, c.element.kind, c.element.href])).toEqual([
      ['out', undefined, 'https://example.org/partner?ref=shop'],
      ['pdf', undefined, `${h.server.pages}/files/catalogue.pdf`],
      ['save', 'download', `${h.server.pages}/export`],
    ]);
  });

  it('never sends field values, skips secret fields and [data-spoor-ignore], and ignores non-controls', async () => {
    const page = await h.open('/clicks.html');
    await page.fill('#q', 'typed by the visitor');
    await page.fill('#pw', 'hunter2');
    await page.fill('#cc', '4111 1111 1111 1111');
    await page.click('#q');
    await page.click('#pw');
    await page.click('#cc');
    await page.click('#note');
    await page.click('#secret');
    await page.click('#plain');
    await spoor(page, 'track', 'done');
    await h.waitForEvents(ofType('custom'));
    const clicks = h.server.events().filter(ofType('click')) as unknown as Click[];
    expect(clicks.map((c) => [c.element.tag, c.element.id, c.element.text])).toEqual([
      ['input', 'q', ''],
      ['textarea', 'note', ''],
    ]);
    const wire = JSON.stringify(h.server.batches.map((b) => b.body));
    // (a card number with its space: random batch and event ids may well contain '4111')
    for (const secret of ['typed by the visitor', 'prefilled search', 'hunter2', '4111 1111', 'private note', 'Hidden from Spoor']) {
      expect(wire).not.toContain(secret);
    }
    expect(h.errors).toEqual([]);
  });

  it('keeps the click handler cheap', async () => {
    const page = await h.open('/clicks.html');
    const perClickMs = await page.evaluate(() => {
      const el = document.querySelector('ul.menu li:nth-child(2) a')!;
      const click = () => el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      for (let i = 0; i < 50; i++) click(); // warm up the JIT
      // performance.now() is coarse here, so rounds of 25 clicks; the median round is the figure.
      const rounds: number[] = [];
      for (let r = 0; r < 20; r++) {
        const t = performance.now();
        for (let i = 0; i < 25; i++) click();
        rounds.push((performance.now() - t) / 25);
      }
      return rounds.sort((a, b) => a - b)[10]!;
    });
    // The target is under 0.1 ms (npm run bench measures it); the bound is loose because the CPU
    // is shared, but it catches a slow path such as a Blob per event (2.5 ms per click).
    console.log(`click handler: ${perClickMs.toFixed(3)} ms per click`);
    expect(perClickMs).toBeLessThan(1);
  });
});
