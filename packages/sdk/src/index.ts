// @spoor/sdk for bundlers: `import { createTracker, ga4 } from '@spoor/sdk'`, then
// `createTracker(config, [ga4])`. The feature modules are the script tag's `/sdk.js?f=...` names.
export { createTracker } from './tracker.js';
export { consentMode } from './modules/consent-mode.js';
export { ga4 } from './modules/ga4.js';
export { recommend } from './modules/recommend.js';
export { shopifyPrivacy } from './modules/shopify-privacy.js';
export { tcf } from './modules/tcf.js';
export { ua } from './modules/ua.js';
export { wpConsent } from './modules/wp-consent.js';
export type * from './types.js';
