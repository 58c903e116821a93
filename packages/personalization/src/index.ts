// @spoor/personalization: one visitor's or customer's profile, exposed segments and
// recommendations, read from the warehouse by primary key (what /v1/me, /v1/recommendations and
// /v1/profiles answer).
export { partnersLookup, partnerCache, partnerRefresher, type Partner, PARTNERS_KEPT, type PairRow, type PartnerCache } from './affinity.js';
export { refreshingCache, type RefreshingCache, type RefreshingCacheOptions } from './cache.js';
export { boundedReader, withDeadline } from './deadline.js';
export { PersonalizationError, type PersonalizationErrorCode } from './errors.js';
export { productInfo, loadCatalog, type ProductInfo, type Catalog, type ProductRow, PRODUCT_COLUMNS } from './catalog.js';
export { cartLookup, openCart } from './cart.js';
export {
  customersLookup,
  anonymousCustomersLookup,
  customerSummaries,
  forgottenUsers,
  customerFigures,
  traitsLookup,
  customerTraits,
  userForgottenLookup,
  type CustomerFigures,
  type CustomerSummary,
} from './customer.js';
export { runLookups, first, all, type Lookup, type LookupRows } from './lookups.js';
export { meFromState, loadMeStates, visibleSegments, ME_RECOMMENDATIONS, type LookupDeps, type MeState } from './me.js';
export { keptStates, type KeptStates, type KeptStatesOptions, type Touched } from './kept-states.js';
export { watchErasures, type ErasureWatch, type ErasureWatchOptions } from './erasure-watch.js';
export { createPersonalization, type PersonalizationOptions, type Personalization } from './personalization.js';
export { exposedTraits, type SitePolicy } from './policy.js';
export { loadProfileStates, profileFromState, PROFILE_RECOMMENDATIONS, type ProfileDeps, type ProfileState } from './profile.js';
export { seedsOf, assemble, exclusions, SEED_WEIGHTS, VIEWED_WEIGHT, MAX_SEEDS, type Seed, type ShopperHistory, type AssembleInput } from './recommend.js';
export { loadRfmLevels, scoreOf, type RfmLevels, type RfmScores } from './rfm.js';
export { personKey, loadMembership, type Membership } from './segments.js';
export { isoTime, money } from './values.js';
export { visitorLookups, visitorSummaries, hasOpenCart, type VisitorSummary } from './visitor.js';
