// page_leave: engaged time (the page visible and the visitor active, not wall time) and the
// deepest scroll, sent when the page hides and before the next SPA pageview. engaged_ms counts
// since the previous page_leave of the same page, so a page hidden twice sends two increments.
import type { Feature } from '../types.js';
import { now, on } from '../util.js';

/**
 * Without input for this long, the visitor counts as away until the next input (this also
 * covers a window left visible behind another one).
 */
const IDLE_MS = 30_000;
/**
 * Input, and the page shown or hidden (which starts or ends a stretch; the leave at a hide has
 * credited it already, so nothing is counted twice).
 */
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'visibilitychange'];

export const engagement: Feature = (core) => {
  let engaged = 0;
  let since = 0; // start of the current active stretch, 0 when away
  let depth = 0;
  let sent = false;

  /**
   * Input (or a leave): credits the active stretch so far. The scroll depth is read on scroll and
   * at a leave only: reading the page height on every pointer move could force a layout.
   */
  const credit = (e?: Event) => {
    const t = now();
    if (since) engaged += Math.min(t - since, IDLE_MS);
    since = document.hidden ? 0 : t;
    // (A page without height is seen whole.)
    if (!e || e.type === 'scroll') depth = Math.max(depth, Math.min(100, ((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100 || 0));
  };
  const leave = (url?: string) => {
    credit();
    if (engaged || !sent) {
      // Whole milliseconds already (differences of Date.now()); the collector rounds the percentage.
      core.emit('page_leave', { url, engaged_ms: engaged, scroll_pct: depth });
    }
    engaged = 0;
    sent = true;
  };
  /** A new page: counting starts afresh, after the leave of the previous one. */
  const page = (previous?: string) => {
    if (previous) leave(previous);
    engaged = depth = 0;
    sent = false;
    since = document.hidden ? 0 : now();
  };

  page();
  for (const type of ACTIVITY) on(type, credit);
  core.onHide.push(() => {
    leave();
    since = 0;
  });
  core.onPage.push(page);
};
