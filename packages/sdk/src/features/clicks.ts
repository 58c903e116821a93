// Click autocapture: the clicked control's tag, text, id, classes, href and selector path.
// Values of form fields are never read; password- and card-like fields and anything inside
// [data-spoor-ignore] are skipped. A link with a download attribute is marked as one.
import { selectorOf } from '../selector.js';
import type { Feature } from '../types.js';
import { on } from '../util.js';

/** What counts as the thing clicked: the nearest control around the click target. */
const CONTROL = 'a,button,input,select,textarea,label,summary,[role=button],[role=link],[data-spoor-cart]';
/** Hints of secrets in a field's own markup (type, name, id, autocomplete...); such fields are not recorded at all. */
const SECRET = /pass|card|cc-|cvc|cvv|csc|iban|ssn|secur/i;

export const clicks: Feature = (core) => {
  if (core.config.clicks === false) return;
  on('click', (ev) => {
    // (A target that is no element, the document itself, throws here and is not a click on anything.)
    const el = (ev.target as Element).closest(CONTROL);
    if (!el || el.closest('[data-spoor-ignore]')) return;
    const field = el.matches('input,select,textarea');
    // The shallow clone's markup is the tag and its attributes, never what was typed.
    if (field && SECRET.test((el.cloneNode() as Element).outerHTML)) return;
    const a = el.closest('a');
    core.emit('click', {
      element: {
        tag: el.localName,
        // (the collector cuts it to its 255 characters)
        text: field ? '' : el.textContent!.replace(/\s+/g, ' ').trim(),
        id: el.id,
        classes: el.getAttribute('class') ?? '',
        href: a?.href, // (no link: absent, which the collector reads as '')
        selector: selectorOf(el),
        // Only the page sees a download attribute; the worker tells other downloads and outbound links from href.
        kind: a?.hasAttribute('download') ? 'download' : undefined,
      },
    });
  });
};
