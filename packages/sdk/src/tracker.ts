// createTracker for bundlers: the core with every feature; each can be switched off in the config.
import { createCore } from './core.js';
import { cartButtons } from './features/cart-buttons.js';
import { clicks } from './features/clicks.js';
import { engagement } from './features/engagement.js';
import { ga4 } from './features/ga4.js';
import { pageviews } from './features/pageviews.js';
import type { Spoor, TrackerConfig } from './types.js';

export function createTracker(config: TrackerConfig): Spoor {
  return createCore(config, [pageviews, engagement, clicks, cartButtons, ga4]);
}
