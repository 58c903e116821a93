// @spoor/traffic: seeded, realistic shop traffic for tests, benchmarks and demo data.
export { type Product, PRODUCTS, AFFINITY_GROUPS, type Source, SOURCES, type Browser, BROWSERS, BOT } from './catalog.js';
export { generateTraffic, tasteOf, type TrafficOptions, type TrafficBatch, type Traffic } from './generate.js';
export { createRandom, type Random } from './random.js';
export { holdOutLastOrders, hitRate, type HoldoutCase, type Holdout } from './holdout.js';
export {
  cdnowFile,
  readCdnow,
  parseCdnow,
  shiftDate,
  cdnowPurchaseEvents,
  CDNOW_CALIBRATION_END,
  CDNOW_PUBLISHED,
  type CdnowRecord,
  CDNOW_SHIFT_DAYS,
  type CdnowEventOptions,
} from './cdnow.js';
