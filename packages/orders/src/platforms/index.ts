// A verified webhook payload of a shop platform, as order and refund records.
import type { HookPlatform } from '@spoor/events';
import type { WebhookRecords } from './common.js';
import { shopifyWebhook } from './shopify.js';
import { stripeWebhook } from './stripe.js';
import { wooCommerceWebhook } from './woocommerce.js';

export type { WebhookRecords } from './common.js';
export { VISITOR_ATTRIBUTE } from './common.js';
export { shopifyOrder, shopifyRefund } from './shopify.js';

/**
 * `topic` is the platform's header (`X-Shopify-Topic`, `X-WC-Webhook-Topic`); Stripe names the
 * event type in the payload. Throws `OrdersError('invalid_order')` for a payload that is not what
 * its topic says (no order id, an amount that is not one).
 */
export function webhookRecords(platform: HookPlatform, topic: string, payload: unknown): WebhookRecords {
  switch (platform) {
    case 'shopify':
      return shopifyWebhook(topic, payload);
    case 'woocommerce':
      return wooCommerceWebhook(topic, payload);
    case 'stripe':
      return stripeWebhook(payload);
  }
}
