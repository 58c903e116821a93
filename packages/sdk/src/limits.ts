// The SDK's own limits (the wire contract's come from `@spoor/events/limits`, which loads no zod).

/** Request bodies stay under the browsers' 64 KiB keepalive/beacon budget, with room to spare. */
export const MAX_BODY_BYTES = 60 * 1024;
/** Unsent events kept in localStorage, and for how long: the oldest go first. */
export const OUTBOX_MAX_EVENTS = 1000;
export const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
