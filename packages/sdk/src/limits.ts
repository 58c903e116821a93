// The wire limits the SDK keeps to, copied from @spoor/events (importing it would pull zod into
// the script); test/limits.test.ts fails if the two ever disagree.

/** Events per request: the collector refuses longer batches whole. */
export const MAX_EVENTS_PER_BATCH = 500;
/** One event as JSON, in bytes; larger ones are refused by the collector. */
export const MAX_EVENT_BYTES = 32 * 1024;
/** Request bodies stay under the browsers' 64 KiB keepalive/beacon budget, with room to spare. */
export const MAX_BODY_BYTES = 60 * 1024;
export const MAX_PROPS = 100;
export const MAX_KEY = 128;
export const MAX_VALUE = 1024;
export const MAX_URL = 2048;
export const MAX_NAME = 120;
export const MAX_USER_ID = 128;
/** Order and cart ids; product ids may be twice as long. */
export const MAX_ID = 64;
export const MAX_ITEMS = 200;
export const MAX_ELEMENT_TEXT = 255;
/** Unsent events kept in localStorage, and for how long: the oldest go first. */
export const OUTBOX_MAX_EVENTS = 1000;
export const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
