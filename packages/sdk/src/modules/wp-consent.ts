// Module `wp-consent`: the WordPress Consent API (`wp_has_consent(category)` and the
// `wp_listen_for_consent_change` event, whose detail is `{category: 'allow' | 'deny'}`; 'denied'
// is read as 'deny' too, as some plugins send it). Category `statistics` unless data-wp-category.
import type { Feature } from '../types.js';

export const wpConsent: Feature = (core) => {
  const category = String(core.config.wpCategory || 'statistics');
  const has = (window as unknown as { wp_has_consent?: (c: string) => boolean }).wp_has_consent;
  const read = (v: unknown) => (v === 'allow' ? core.signal('granted') : /^deny/.test(String(v)) && core.signal('denied', true));
  if (typeof has === 'function') {
    if (has(category)) core.signal('granted');
    else {
      // A refusal made earlier is kept in the plugin's cookie; otherwise nobody decided yet.
      // (Categories are the plugin's words, such as statistics-anonymous: no regex syntax.)
      const v = document.cookie.match(`(^|; )wp_consent_${category}=([^;]*)`)?.[2];
      if (v && /^deny/.test(v)) read(v);
      else core.signal('pending');
    }
  }
  core.on('wp_listen_for_consent_change', (e) => read((e as CustomEvent<Record<string, unknown>>).detail?.[category]));
};
