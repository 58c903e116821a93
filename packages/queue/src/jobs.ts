// What the collector puts on the queue and the worker takes off it.
import { createHash } from 'node:crypto';
import type { RejectReason, SpoorEvent } from '@spoor/events';

/** Facts about the HTTP request, captured once by the collector for every event of the batch. */
export interface RequestContext {
  user_agent: string;
  /** Daily-salted hash of the client IP: counts unique networks without storing the address. */
  ip_hash: string;
  /** The IP with its host part zeroed (IPv4 /24, IPv6 /48). */
  ip_prefix: string;
  /** `Sec-GPC: 1` was sent: no persistent identifiers for this request. */
  gpc: boolean;
  /** A speculative load (`Sec-Purpose: prefetch`), not a person looking at a page. */
  prefetch: boolean;
  /**
   * Sent by a server (a shop backend reporting orders or refunds), not by a browser: browsers put
   * an Origin header on every POST. The user agent is then the sender's, not the visitor's, so it
   * says nothing about bots or devices.
   */
  server_side?: boolean;
  /** The page reported `navigator.webdriver` (an automated browser). Absent in older jobs. */
  webdriver?: boolean;
  /**
   * The browser's language: the first tag of its Accept-Language, which browsers build from the
   * same list `navigator.language` heads. A pageview's `lang` when the event names none (the SDK
   * leaves it to the collector). Absent for server senders, a missing or malformed header, older jobs.
   */
  lang?: string;
  /**
   * Who reported the events, when not a browser (`events.sender`): `server` (a backend through
   * /v1/server/batch), a platform's order webhook (`shopify`, `woocommerce`, `stripe`) or `import`.
   * Absent: `server` for a POST without Origin, else `browser`.
   */
  sender?: EventSender;
}

export type EventSender = 'server' | 'shopify' | 'woocommerce' | 'stripe' | 'import';

/** An event that passed validation, with the collector's clock correction applied. */
export type AcceptedEvent = SpoorEvent & {
  /** The device's own timestamp, before correction. */
  client_ts: number;
  /** Quality flags set by the collector, e.g. `late`, `clock_clamped`, `no_sent_at`, `pixel`. */
  flags: string[];
  /**
   * The visitor_id the SDK sent, when the collector replaced it with the visitor's `spoor_id`
   * cookie (see docs/COLLECTOR.md, "Identity"). Absent when the SDK's id was kept.
   */
  sdk_visitor_id?: string;
  /** Position in the batch as sent (refusals and in-batch duplicates leave gaps). Absent in older jobs. */
  batch_index?: number;
};

/**
 * Flag on a refund whose sender named only its order (a platform webhook): the worker gives it the
 * visitor and customer of the order's purchase before insert.
 */
export const PERSON_FROM_ORDER = 'person_from_order';

/** A refused event, kept so that `rejected_events` shows what was refused and why. */
export interface RejectedRecord {
  index: number;
  reason: RejectReason;
  path: string;
  message: string;
  /** The raw event as received, serialised and truncated. */
  raw: string;
  event_id: string;
}

export interface BatchJobData {
  /** Job format version, so a worker can refuse a job written by a newer collector. */
  v: 1;
  site: string;
  batch_id: string;
  received_at: number;
  sent_at: number | null;
  ctx: RequestContext;
  events: AcceptedEvent[];
  rejected: RejectedRecord[];
}

/**
 * One job per (site, batch_id, what the batch holds): a batch resent by the SDK or by a proxy maps to
 * the same job, which BullMQ ignores while the first one is still kept; a batch_id reused for other
 * events (a corrected resend, a server sender counting from "1") is another job, so its events are
 * taken rather than silently dropped as a duplicate. The content part is a digest of the accepted
 * event ids and of the refused events (position and text), in batch order. `.` cannot occur in a site or batch id, so the
 * id is unambiguous, and it has no `:` (which BullMQ refuses in custom ids).
 */
export function batchJobId(data: {
  site: string;
  batch_id: string;
  events: ReadonlyArray<{ event_id: string }>;
  rejected: ReadonlyArray<{ index: number; raw: string }>;
}): string {
  const digest = createHash('sha256');
  for (const e of data.events) digest.update(`${e.event_id}\n`);
  // A refused event has no trusted id: what was refused is its position and its text.
  for (const r of data.rejected) digest.update(`!${r.index}\n${r.raw}\n`);
  return `${data.site}.${data.batch_id}.${digest.digest('base64url').slice(0, 22)}`;
}
