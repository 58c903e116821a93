// The script tag (/sdk.js): every feature.
import { boot } from './boot.js';
import { cartButtons } from './features/cart-buttons.js';
import { clicks } from './features/clicks.js';
import { engagement } from './features/engagement.js';
import { ga4 } from './features/ga4.js';
import { pageviews } from './features/pageviews.js';

boot([pageviews, engagement, clicks, cartButtons, ga4]);
