// A CSS selector path for a clicked element that stays the same across page loads: it stops at
// the nearest ancestor with a usable id, keeps readable classes (not state classes such as
// "active"), and adds :nth-of-type only where siblings share a tag. Pure: test/selector.test.ts.
import { LIMITS } from '@spoor/events/limits';

/** The part of a DOM Element the selector needs (so it can be tested without a browser). */
export interface SelectorNode {
  /** The tag name, lower case for HTML. */
  localName: string;
  id: string;
  classList: Iterable<string>;
  parentElement: SelectorNode | null;
  previousElementSibling: SelectorNode | null;
  nextElementSibling: SelectorNode | null;
}

/**
 * An id worth stopping at: one that needs no escaping in a selector (React's :r1: does) and has no
 * run of digits, which looks generated per render (ember123).
 */
const ID = /^(?!\d|.*\d{3})[\w-]+$/;
/** A class worth keeping: one that needs no escaping and does not say what state an element is in ("active"). */
const CLASS = /^(?!(active|selected|open|(is|has)-.*)$|\d)[\w-]+$/;

export function selectorOf(el: SelectorNode): string {
  let path = '';
  let id = false;
  for (let e: SelectorNode | null = el; e && !id && e.localName != 'body'; e = e.parentElement) {
    const tag = e.localName;
    let part = (id = ID.test(e.id)) ? `#${e.id}` : tag;
    if (!id) {
      for (const c of e.classList) if (CLASS.test(c)) part += `.${c}`;
      // Sibling walks, not parent.children: three times faster on the click path.
      let n = 1;
      let s: SelectorNode | null = e;
      while ((s = s.previousElementSibling)) if (s.localName === tag) n++;
      for (s = e; (s = s.nextElementSibling) && s.localName !== tag;);
      if (n > 1 || s) part += `:nth-of-type(${n})`;
    }
    if (path) part += ` > ${path}`;
    if (part.length > LIMITS.maxSelectorLength) break; // keep the part nearest the element
    path = part;
  }
  return path;
}
