// Platform payloads (fixtures in the documented shapes of each platform's order, refund and event
// resources) → order and refund records → wire events that pass the collector's own validation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '@spoor/events';
import { emailHasher, newSecretKey } from '@spoor/secrets';
import { OrdersError, recordEvents, stableEventId, webhookRecords, type OrderRecords } from '../src/index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '../../../test/fixtures/webhooks', name), 'utf8'));
const hashEmail = emailHasher(newSecretKey());
const opts = { site: 'shop-1', storeEmails: false, hashEmail };

function records(r: ReturnType<typeof webhookRecords>): OrderRecords {
  if (r.kind !== 'records') throw new Error(`ignored: ${r.reason}`);
  return r;
}

describe('Shopify', () => {
  it('maps orders/create to an order with its lines, buyer and the carried visitor id', () => {
    const { orders } = records(webhookRecords('shopify', 'orders/create', fixture('shopify-orders-create.json')));
    expect(orders).toEqual([
      {
        orderId: '5783105978417',
        placedAt: Date.parse('2024-03-14T15:32:05Z'),
        total: '91.49',
        currency: 'USD',
        tax: '6.72',
        shipping: '9.17',
        discount: '8.4',
        coupon: 'SPRING10',
        name: '#1042',
        items: [
          { productId: '8741120163121', name: 'Loose Leaf Tea', variant: 'Sencha', price: '24', quantity: 2 },
          { productId: '8741120295985', name: 'Cast Iron Teapot', variant: undefined, price: '36', quantity: 1 },
        ],
        buyer: { visitorId: 'v-7f3c2a91e0', customerId: '7031259611441', email: 'ada.lovelace@example.com' },
      },
    ]);
  });

  it('makes orders/paid the same order as orders/create, with the same event id', () => {
    const create = recordEvents(records(webhookRecords('shopify', 'orders/create', fixture('shopify-orders-create.json'))), { ...opts, sender: 'shopify' });
    const paid = recordEvents(records(webhookRecords('shopify', 'orders/paid', fixture('shopify-orders-create.json'))), { ...opts, sender: 'shopify' });
    expect(paid).toEqual(create);
    expect(create[0]!.event_id).toBe(stableEventId('shop-1', 'purchase', '5783105978417'));
  });

  it('maps refunds/create to the money of its successful refund transactions, to be given its order’s buyer', () => {
    const { refunds } = records(webhookRecords('shopify', 'refunds/create', fixture('shopify-refunds-create.json')));
    expect(refunds).toEqual([
      {
        refundId: '972101746993',
        orderId: '5783105978417',
        refundedAt: Date.parse('2024-03-20T13:15:44Z'),
        amount: '38.88',
        currency: 'USD',
        buyer: {},
        personFromOrder: true,
      },
    ]);
  });

  it('ignores other topics and refunds that return no money', () => {
    expect(webhookRecords('shopify', 'products/update', {})).toEqual({ kind: 'ignored', reason: expect.stringContaining('products/update') });
    const restockOnly = { ...(fixture('shopify-refunds-create.json') as object), transactions: [] };
    expect(webhookRecords('shopify', 'refunds/create', restockOnly).kind).toBe('ignored');
  });

  it('refuses a payload without its order id, naming the field', () => {
    const { id: _, ...noId } = fixture('shopify-orders-create.json') as Record<string, unknown>;
    expect(() => webhookRecords('shopify', 'orders/create', noId)).toThrow(OrdersError);
    try {
      webhookRecords('shopify', 'orders/create', noId);
    } catch (err) {
      expect((err as OrdersError).path).toBe('id');
    }
  });
});

describe('WooCommerce', () => {
  it('maps an order with its meta visitor id, customer, lines and listed refunds', () => {
    const { orders, refunds } = records(webhookRecords('woocommerce', 'order.updated', fixture('woocommerce-order-updated.json')));
    expect(orders[0]).toMatchObject({
      orderId: '1187',
      placedAt: Date.parse('2024-04-02T16:05:31Z'),
      total: '52.85',
      currency: 'EUR',
      shipping: '4.95',
      items: [
        { productId: '431', variant: '436', name: 'Ceramic Mug - Sage', price: '13.225', quantity: 2 },
        { productId: '502', variant: undefined, name: 'Tea Towel', price: '10.05', quantity: 1 },
      ],
      buyer: { visitorId: 'v-3b9d0c44aa', customerId: '214', email: 'Grace.Hopper@example.org' },
    });
    // The list carries no refund date: the order's creation, stable across every later delivery.
    expect(refunds).toEqual([expect.objectContaining({ refundId: '1203', orderId: '1187', amount: '16', currency: 'EUR', refundedAt: orders[0]!.placedAt })]);
  });

  it('leaves out orders not placed yet and other topics', () => {
    const pending = { ...(fixture('woocommerce-order-updated.json') as object), status: 'pending' };
    expect(webhookRecords('woocommerce', 'order.created', pending)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('pending') });
    expect(webhookRecords('woocommerce', 'product.updated', {}).kind).toBe('ignored');
  });
});

describe('Stripe', () => {
  it('maps checkout.session.completed with the shop order id, minor units and client_reference_id', () => {
    const { orders } = records(webhookRecords('stripe', '', fixture('stripe-checkout-session-completed.json')));
    expect(orders).toEqual([
      {
        orderId: 'P-20240410-0007',
        paymentRef: 'pi_3P2QqP2eZvKYlo2C0aBcDeFg',
        placedAt: 1712746800_000,
        total: '49.5',
        currency: 'EUR',
        tax: '0',
        shipping: '4.5',
        discount: '0',
        items: [],
        buyer: { visitorId: 'v-51c0ffee42', customerId: 'cus_PrT5uVw6XyZ7aB', email: 'Katherine.Johnson@example.net' },
      },
    ]);
  });

  it('falls back to the PaymentIntent as order id, which the refunded charge names too', () => {
    const event = fixture('stripe-checkout-session-completed.json') as { data: { object: Record<string, unknown> } };
    event.data.object.metadata = {};
    expect(records(webhookRecords('stripe', '', event)).orders[0]!.orderId).toBe('pi_3P2QqP2eZvKYlo2C0aBcDeFg');
    expect(records(webhookRecords('stripe', '', fixture('stripe-charge-refunded.json'))).refunds[0]!.orderId).toBe('pi_3P2QqP2eZvKYlo2C0aBcDeFg');
  });

  it('refunds the increase of amount_refunded when the charge lists no refunds, named by its cumulative amount', () => {
    const { refunds } = records(webhookRecords('stripe', '', fixture('stripe-charge-refunded.json')));
    expect(refunds).toEqual([
      expect.objectContaining({
        refundId: 'ch_3P2QqP2eZvKYlo2C0xYz1234:1500',
        amount: '15',
        currency: 'EUR',
        refundedAt: 1713178800_000,
        personFromOrder: true,
      }),
    ]);
    const second = fixture('stripe-charge-refunded.json') as { data: { object: Record<string, unknown>; previous_attributes: Record<string, unknown> } };
    second.data.object.amount_refunded = 2500;
    second.data.previous_attributes.amount_refunded = 1500;
    expect(records(webhookRecords('stripe', '', second)).refunds[0]).toMatchObject({ refundId: 'ch_3P2QqP2eZvKYlo2C0xYz1234:2500', amount: '10' });
  });

  it('uses the listed refund objects when the charge has them', () => {
    const listed = fixture('stripe-charge-refunded.json') as { data: { object: Record<string, unknown> } };
    listed.data.object.refunds = { object: 'list', data: [{ id: 're_1', amount: 1500, created: 1713178790, status: 'succeeded' }] };
    expect(records(webhookRecords('stripe', '', listed)).refunds).toEqual([
      expect.objectContaining({ refundId: 're_1', amount: '15', refundedAt: 1713178790_000 }),
    ]);
  });

  it('waits for the payment of an unpaid session and ignores other event types', () => {
    const unpaid = fixture('stripe-checkout-session-completed.json') as { data: { object: Record<string, unknown> } };
    unpaid.data.object.payment_status = 'unpaid';
    expect(webhookRecords('stripe', '', unpaid).kind).toBe('ignored');
    expect(webhookRecords('stripe', '', { id: 'evt_1', type: 'customer.created', created: 1, data: { object: {} } }).kind).toBe('ignored');
  });
});

describe('events', () => {
  it('are valid wire events, refunds first named by platform and refund id', () => {
    for (const [platform, topic, file] of [
      ['shopify', 'orders/create', 'shopify-orders-create.json'],
      ['shopify', 'refunds/create', 'shopify-refunds-create.json'],
      ['woocommerce', 'order.updated', 'woocommerce-order-updated.json'],
      ['stripe', '', 'stripe-checkout-session-completed.json'],
      ['stripe', '', 'stripe-charge-refunded.json'],
    ] as const) {
      const events = recordEvents(records(webhookRecords(platform, topic, fixture(file))), { ...opts, sender: platform });
      for (const [i, e] of events.entries()) expect(validateEvent(e, i), `${file} event ${i}`).toMatchObject({ ok: true });
    }
  });
});
