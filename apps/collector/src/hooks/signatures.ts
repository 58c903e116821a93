// Webhook signatures as the platforms document them, checked on the raw body before anything is
// parsed or stored. Comparisons are of equal-length digests in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Shopify (`X-Shopify-Hmac-Sha256`) and WooCommerce (`X-WC-Webhook-Signature`): base64 of
 * HMAC-SHA256 of the raw body, keyed with the webhook secret.
 */
export function verifyBase64Hmac(raw: Uint8Array, header: string | undefined, secret: string): Verdict {
  if (!header) return { ok: false, reason: 'no signature header' };
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return equal(expected, given) ? { ok: true } : { ok: false, reason: 'the signature does not match the body' };
}

/** How far Stripe's signed timestamp may be from now (Stripe's libraries default to 5 minutes). */
export const STRIPE_TOLERANCE_S = 300;

/**
 * Stripe (`Stripe-Signature: t=<unix s>,v1=<hex>,v1=<hex>,...`): hex HMAC-SHA256 of `t.body`,
 * keyed with the endpoint secret. While a secret is being rolled Stripe sends one v1 per secret;
 * any of them may match. An old timestamp is refused, so a captured request cannot be replayed.
 */
export function verifyStripe(raw: Uint8Array, header: string | undefined, secret: string, nowMs: number, toleranceS = STRIPE_TOLERANCE_S): Verdict {
  if (!header) return { ok: false, reason: 'no signature header' };
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1') v1.push(value);
  }
  if (!t || !/^\d{1,12}$/.test(t)) return { ok: false, reason: 'the signature header has no timestamp' };
  if (v1.length === 0) return { ok: false, reason: 'the signature header has no v1 signature' };
  if (Math.abs(nowMs / 1000 - Number(t)) > toleranceS) return { ok: false, reason: `the signed timestamp is more than ${toleranceS} s away from now` };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  for (const sig of v1) {
    if (/^[0-9a-f]{64}$/i.test(sig) && equal(expected, Buffer.from(sig, 'hex'))) return { ok: true };
  }
  return { ok: false, reason: 'no v1 signature matches the body' };
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
