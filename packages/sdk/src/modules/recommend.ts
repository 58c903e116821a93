// Module `recommend` (CONTRACT-12): spoor.profile() (the visitor's /v1/me, cached for the page
// view and dropped after the page's own cart changes), spoor.recommend({product, limit}), and the
// `data-spoor-recommend` slots, filled after load with textContent only. Nothing here blocks
// rendering, throws, or waits on event delivery: every failure resolves to "nothing known".
import type { Feature, Profile, Recommendation } from '../types.js';
import { safe } from '../util.js';

const UNKNOWN: Profile = { known: false };
const FIELDS = /^(name|price|currency|category|product_id|reason)$/;

export const recommend: Feature = (core) => {
  const base = `${String(core.config.endpoint).replace(/\/+$/, '')}/v1/`;
  const site = encodeURIComponent(core.config.site);
  let cached: Promise<Profile> | undefined;
  const get = <T>(path: string, init: RequestInit, fallback: T): Promise<T> =>
    fetch(base + path, init)
      .then((r) => (r.ok ? r.json() : fallback))
      .then((v: T) => (v && typeof v === 'object' ? v : fallback))
      .catch(() => fallback);

  const profile = (): Promise<Profile> => {
    const id = core.api.visitorId();
    // Consent denied, pending or GPC: the visitor is not asked about at all.
    if (!id) return Promise.resolve(UNKNOWN);
    return (cached ??= get(`me?site=${site}`, { credentials: 'include', headers: { 'X-Spoor-Visitor': id } }, UNKNOWN));
  };
  const recommendations = (o: { product?: string; limit?: number } = {}): Promise<Recommendation[]> =>
    Promise.resolve()
      .then(() => {
        const limit = Math.min(20, Math.round(o.limit!) || 4);
        const product = o.product;
        return (
          product
            ? get(`recommendations?site=${site}&product=${encodeURIComponent(product)}&limit=${limit}`, {}, UNKNOWN)
            : profile()
        ).then((r) => (Array.isArray(r.recommendations) ? r.recommendations.slice(0, Math.max(1, limit)) : []));
      })
      .catch(() => []);
  // visitorId() is guarded and get() never rejects: profile() cannot throw or reject.
  core.api.profile = profile;
  core.api.recommend = recommendations;

  // The page's own cart changes (and a new page view) make the next profile() ask again.
  const cart = core.api.cart as unknown as Record<string, (...a: unknown[]) => void>;
  for (const m of ['add', 'remove', 'checkout', 'purchase']) {
    const f = cart[m]!;
    cart[m] = (...a) => ((cached = undefined), f(...a));
  }
  core.onPage.push(() => ((cached = undefined), setTimeout(fill)));

  /** One filled copy of the slot's `<template>` per item, or the plain default list. */
  const render = (slot: Element, recs: Recommendation[]) => {
    const t = slot.querySelector('template');
    if (t) {
      for (const r of recs) {
        const copy = t.content.cloneNode(true) as DocumentFragment;
        for (const el of copy.querySelectorAll('[data-spoor-field]')) {
          const k = el.getAttribute('data-spoor-field')!;
          if (FIELDS.test(k)) el.textContent = String(r[k as keyof Recommendation] ?? '');
        }
        for (const el of copy.querySelectorAll('[data-spoor-href]')) {
          el.setAttribute('href', el.getAttribute('data-spoor-href')!.replace(/\{product_id\}/g, encodeURIComponent(String(r.product_id))));
        }
        slot.appendChild(copy);
      }
      return;
    }
    const el = (parent: Node, tag: string, cls: string, text?: string) => {
      const e = parent.appendChild(document.createElement(tag));
      e.className = `spoor-${cls}`;
      if (text != null) e.textContent = text;
      return e;
    };
    const ul = document.createElement('ul');
    ul.className = 'spoor-recommendations';
    for (const r of recs) {
      const li = el(ul, 'li', 'recommendation');
      li.setAttribute('data-product-id', String(r.product_id));
      li.setAttribute('data-reason', String(r.reason));
      el(li, 'span', 'name', String(r.name ?? ''));
      li.append(' ');
      el(li, 'span', 'price', `${r.price ?? ''} ${r.currency ?? ''}`.trim());
    }
    slot.replaceChildren(ul);
  };
  const fill = safe(() => {
    for (const slot of document.querySelectorAll('[data-spoor-recommend]:not([data-spoor-filled])')) {
      slot.setAttribute('data-spoor-filled', '');
      void recommendations({ product: slot.getAttribute('data-spoor-product') || undefined, limit: Number(slot.getAttribute('data-spoor-recommend')) })
        .then((recs) => recs.length && render(slot, recs))
        .catch(() => {});
    }
  });
  // After the page has rendered, in a task of its own.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => setTimeout(fill));
  else setTimeout(fill);
};
