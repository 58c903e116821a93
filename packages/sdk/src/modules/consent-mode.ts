// Module `consent-mode`: Google Consent Mode v2 commands in the dataLayer
// (`gtag('consent', 'default' | 'update', {analytics_storage, ..., region, wait_for_update})`).
// A default that refuses analytics_storage holds the page for its wait_for_update, then it is
// cookieless; an update is the visitor's decision.
import { applicableDefault, type ConsentDefault } from '../map/consent-mode.js';
import type { Feature } from '../types.js';
import { command, tap } from './datalayer.js';

export const consentMode: Feature = (core) => {
  const defaults: ConsentDefault[] = [];
  tap(core, (e) => {
    const c = command(e);
    const p = c?.[0] === 'consent' ? (c[2] as Record<string, unknown> | undefined) : undefined;
    const s = p?.analytics_storage;
    if (s !== 'granted' && s !== 'denied') return;
    if (c![1] === 'update') return core.signal(s, true);
    if (c![1] !== 'default') return;
    const region = p!.region;
    defaults.push({ granted: s === 'granted', regions: [region ?? []].flat() as string[], wait: Number(p!.wait_for_update) || 0 });
    const d = applicableDefault(defaults, core.config.region);
    if (d && !d.granted) core.signal('pending', d.wait);
  });
};
