// createTracker for bundlers: the core features (each can be switched off in the config) and the
// feature modules passed in, e.g. createTracker(config, [ga4, consentMode]).
import { createCore } from './core.js';
import { cartButtons } from './features/cart-buttons.js';
import { clicks } from './features/clicks.js';
import { engagement } from './features/engagement.js';
import { pageviews } from './features/pageviews.js';
import type { Feature, Spoor, TrackerConfig } from './types.js';

export function createTracker(config: TrackerConfig, modules: Feature[] = []): Spoor {
  return createCore(config, [pageviews, engagement, clicks, cartButtons, ...modules]);
}
