// Hard limits of the wire contract. The collector, the SDK and the docs all read these.

const KiB = 1024;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const LIMITS = {
  /** Largest request body accepted, measured on the decoded bytes while streaming. */
  maxBodyBytes: 256 * KiB,
  /** Largest body once a `Content-Encoding: gzip` request is inflated (a gzip bomb stops here). */
  maxInflatedBytes: 1024 * KiB,
  /** Events in one batch; a longer batch is refused whole (the sender must split it). */
  maxEventsPerBatch: 500,
  /** One event serialised as JSON. */
  maxEventBytes: 32 * KiB,
  /** Keys in `props` and in `traits`. */
  maxProps: 100,
  maxKeyLength: 128,
  maxValueLength: 1024,
  maxUrlLength: 2048,
  /** Event name (`custom` events) and other short labels. */
  maxNameLength: 120,
  /** visitor, session, event, batch, cart and order ids. */
  maxIdLength: 64,
  /** Customer ids are often e-mail addresses or external keys, so they get more room. */
  maxUserIdLength: 128,
  maxItems: 200,
  maxElementText: 255,
  maxSelectorLength: 1024,
  /** JSON nesting of the whole body; the deepest legal shape (body.events[].order.items[].field) is 6. */
  maxJsonDepth: 8,
  /** Largest money amount: Decimal(18, 4) leaves 14 integer digits. */
  maxMoney: 1e14,
  maxQuantity: 1_000_000,
  maxEngagedMs: DAY,
} as const;

/** Clock rules applied by the collector (see docs/SCHEMA.md, "Time"). */
export const CLOCK = {
  /** Device clocks closer than this to the server's are trusted as they are, so retries keep the same ts. */
  trustedSkewMs: 2 * MINUTE,
  /** An event more than this far in the future (after correction) is clamped to the receive time. */
  maxFutureMs: 5 * MINUTE,
  /** An event older than this is kept but flagged `late`. */
  lateAfterMs: 72 * HOUR,
  /** An event older than this is refused (`too_old`). */
  maxAgeMs: 30 * DAY,
} as const;

/** Keys that could reach an object's prototype chain if ever assigned. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
