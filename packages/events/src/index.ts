// @spoor/events: the wire contract shared by the SDK (types only), the collector and the worker.
export { LIMITS, CLOCK, FORBIDDEN_KEYS } from './limits.js';
export { acceptEvent } from './accept-event.js';
export {
  type RecommendationReason,
  type Recommendation,
  type CartLine,
  type OpenCart,
  type Lifecycle,
  type MeKnown,
  type MeAnswer,
  type ProductRecommendations,
  type FullProfile,
} from './personalization.js';
export {
  toDecimalString,
  siteIdSchema,
  batchIdSchema,
  idSchema,
  userIdSchema,
  eventIdSchema,
  epochMsSchema,
  moneySchema,
  itemSchema,
  cartSchema,
  orderSchema,
  elementSchema,
  propsSchema,
  pageviewSchema,
  pageLeaveSchema,
  clickSchema,
  cartViewSchema,
  cartAddSchema,
  cartRemoveSchema,
  checkoutSchema,
  purchaseSchema,
  refundSchema,
  identifySchema,
  customSchema,
  eventSchema,
  batchEnvelopeSchema,
} from './schema.js';
export {
  type SpoorEvent,
  type SpoorEventInput,
  type EventType,
  type Item,
  type ItemInput,
  type Cart,
  type CartInput,
  type Order,
  type OrderInput,
  type Element,
  type BatchEnvelope,
  type BatchInput,
  EVENT_TYPES,
} from './types.js';
export { validateEnvelope, validateEvent, jsonDepth, type RejectReason, type Rejection, type Validated } from './validate.js';
export { isHookPlatform, HOOK_PLATFORMS, type HookPlatform } from './hooks.js';
export { mayHoldLoneSurrogates, wellFormedText, repairLoneSurrogates, cutText } from './text.js';
