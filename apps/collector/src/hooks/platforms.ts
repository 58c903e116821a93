// What differs between the shop platforms at the HTTP level: where the signature, the topic and
// the delivery id are, and WooCommerce's unsigned ping.
import { createHash } from 'node:crypto';
import type { HookPlatform } from '@spoor/events';
import { verifyBase64Hmac, verifyStripe, type Verdict } from './signatures.js';

export interface HookRequest {
  raw: Uint8Array;
  header(name: string): string | undefined;
}

export interface PlatformHooks {
  verify(req: HookRequest, secret: string, nowMs: number): Verdict;
  /** The topic header; Stripe names its event type in the payload. */
  topic(req: HookRequest): string;
  /** A stable id of the delivery (the same on the platform's retries), for the batch id. */
  deliveryId(req: HookRequest, payload: unknown): string | undefined;
}

export const PLATFORM_HOOKS: Record<HookPlatform, PlatformHooks> = {
  shopify: {
    verify: (req, secret) => verifyBase64Hmac(req.raw, req.header('x-shopify-hmac-sha256'), secret),
    topic: (req) => req.header('x-shopify-topic') ?? '',
    deliveryId: (req) => req.header('x-shopify-webhook-id') ?? req.header('x-shopify-event-id'),
  },
  woocommerce: {
    verify: (req, secret) => verifyBase64Hmac(req.raw, req.header('x-wc-webhook-signature'), secret),
    topic: (req) => req.header('x-wc-webhook-topic') ?? '',
    // WooCommerce makes a new delivery id for every attempt, so the body names the delivery.
    deliveryId: () => undefined,
  },
  stripe: {
    verify: (req, secret, nowMs) => verifyStripe(req.raw, req.header('stripe-signature'), secret, nowMs),
    topic: () => '',
    deliveryId: (_req, payload) => {
      const id = (payload as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? id : undefined;
    },
  },
};

/**
 * WooCommerce checks a new webhook's URL with an unsigned POST of `webhook_id=<id>` and saves the
 * webhook only if it gets a 200. It carries nothing, so answering it stores nothing.
 */
export function isWooCommercePing(req: HookRequest): boolean {
  if (req.header('x-wc-webhook-signature') || req.raw.byteLength > 64) return false;
  return /^webhook_id=\d+$/.test(Buffer.from(req.raw).toString('utf8').trim());
}

/** `<platform>-<delivery id>` when that is a valid batch id, else named by the body's hash. */
export function hookBatchId(platform: HookPlatform, deliveryId: string | undefined, raw: Uint8Array): string {
  const candidate = deliveryId ? `${platform}-${deliveryId}` : '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(candidate)) return candidate;
  return `${platform}-${createHash('sha256')
    .update(deliveryId ?? '')
    .update('\0')
    .update(raw)
    .digest('hex')
    .slice(0, 40)}`;
}
