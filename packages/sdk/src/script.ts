// The script tag (/sdk.js): the core features, then the feature modules the collector composed in
// front of it (`/sdk.js?f=ga4,...`): it wraps everything in `function(F, S){...}`, and each
// module's code pushes its feature onto that list (see rollup.config.mjs).
import { boot } from './boot.js';
import { cartButtons } from './features/cart-buttons.js';
import { clicks } from './features/clicks.js';
import { engagement } from './features/engagement.js';
import { pageviews } from './features/pageviews.js';
import type { Feature } from './types.js';

declare const F: Feature[];

boot([pageviews, engagement, clicks, cartButtons, ...F]);
