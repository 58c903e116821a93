// The light script tag (spoor.lite.js): pageviews (SPA too), page leave and the JS API, without
// click autocapture, declarative cart buttons or the GA4 dataLayer bridge.
import { boot } from './boot.js';
import { engagement } from './features/engagement.js';
import { pageviews } from './features/pageviews.js';

boot([pageviews, engagement]);
