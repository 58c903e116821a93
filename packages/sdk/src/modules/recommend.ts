// Module `recommend` (CONTRACT-12): spoor.profile() (the visitor's /v1/me, cached for the page
// view and dropped after the page's own cart changes), spoor.recommend({product, limit}), and the
// `data-spoor-recommend` slots, filled after load with textContent only. Nothing here blocks
// rendering, throws, or waits on event delivery: every failure resolves to "nothing known".
import type { Feature, Profile, Recommendation } from '../types.js';

const UNKNOWN: Profile = { known: false };
const FIELDS = /^(name|price|currency|category|product_id|reason)$/;

export const recommend: Feature = (core) => {
  const { api } = core;
  const site = encodeURIComponent(core.config.site);
  let cached: Promise<Profile> | undefined;
  /** The answer to `path`, or "nothing known" for any failure or an answer that is not an object. */
  const get = (path: string, init?: RequestInit): Promise<Profile> =>
    fetch(core.base + path, init)
      .then((r) => r.ok && (r.json() as Promise<unknown>))
      .then(
        (v) => (v && typeof v === 'object' ? (v as Profile) : UNKNOWN),
        () => UNKNOWN,
      );

  // visitorId() is guarded and get() never rejects: profile() cannot throw or reject.
  const profile = (api.profile = async () => {
    const id = api.visitorId();
    // Consent denied, pending or GPC: the visitor is not asked about at all.
    return id ? (cached ??= get(`me?site=${site}`, { credentials: 'include', headers: { 'X-Spoor-Visitor': id } })) : UNKNOWN;
  });
  const recommendations = (api.recommend = async (o = {}) => {
    try {
      const limit = Math.min(20, Math.max(1, Math.round(o.limit!) || 4));
      const r = await (o.product ? get(`recommendations?site=${site}&product=${encodeURIComponent(o.product)}&limit=${limit}`) : profile());
      return Array.isArray(r.recommendations) ? r.recommendations.slice(0, limit) : [];
    } catch {
      return [];
    }
  });

  // The page's own cart changes (and a new page view) make the next profile() ask again.
  const cart = api.cart as unknown as Record<string, (...a: unknown[]) => void>;
  for (const m of ['add', 'remove', 'checkout', 'purchase']) {
    const f = cart[m]!;
    cart[m] = (...a) => ((cached = undefined), f(...a));
  }
  const later = () => setTimeout(fill);
  core.onPage.push(() => ((cached = undefined), later()));

  const el = (tag: string, cls: string, text: unknown = '') => Object.assign(document.createElement(tag), { className: `spoor-${cls}`, textContent: text });
  /** One filled copy of the slot's `<template>` per item, or the plain default list. */
  const render = (slot: Element, recs: Recommendation[]) => {
    const t = slot.querySelector('template');
    const ul = el('ul', 'recommendations');
    for (const r of recs) {
      if (t) {
        const copy = t.content.cloneNode(true) as DocumentFragment;
        for (const e of copy.querySelectorAll<HTMLElement>('[data-spoor-field]')) {
          const k = e.dataset.spoorField!;
          if (FIELDS.test(k)) e.textContent = (r[k as keyof Recommendation] ?? '') as string; // (textContent makes text of it)
        }
        for (const e of copy.querySelectorAll<HTMLElement>('[data-spoor-href]'))
          e.setAttribute('href', e.dataset.spoorHref!.replace(/\{product_id\}/g, encodeURIComponent(r.product_id)));
        slot.appendChild(copy);
      } else {
        const li = ul.appendChild(el('li', 'recommendation'));
        Object.assign(li.dataset, { productId: r.product_id, reason: r.reason }); // (dataset keeps strings)
        li.append(el('span', 'name', r.name ?? ''), ' ', el('span', 'price', `${r.price ?? ''} ${r.currency ?? ''}`.trim()));
      }
    }
    if (!t) slot.replaceChildren(ul);
  };
  const fill = core.safe(() => {
    for (const slot of document.querySelectorAll<HTMLElement>('[data-spoor-recommend]:not([data-spoor-filled])')) {
      const d = slot.dataset;
      d.spoorFilled = '';
      void recommendations({ product: d.spoorProduct || undefined, limit: Number(d.spoorRecommend) }).then(
        core.safe((recs) => recs.length && render(slot, recs)),
      );
    }
  });
  // After the page has rendered, in a task of its own.
  if (document.readyState === 'loading') core.on('DOMContentLoaded', later);
  else later();
};
