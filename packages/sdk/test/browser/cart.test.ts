// Cart capture in Chromium: declarative data-spoor-cart buttons, the cart the SDK keeps (sent
// after each change, the same cart_id across pages), and purchase closing the cart.
import { describe, expect, it } from 'vitest';
import type { SpoorEventInput } from '@spoor/events';
import { expectValidBatches, ofType, spoor, useHarness } from './harness.js';

const h = useHarness();

type CartEvent = Extract<SpoorEventInput, { type: 'cart_add' | 'cart_remove' }>;
const lines = (e: SpoorEventInput) => (e as CartEvent).cart!.items.map((i) => [i.id, i.quantity]);

describe('cart', () => {
  it('turns declarative buttons into cart_add and cart_remove carrying the cart after the change', async () => {
    const page = await h.open('/cart.html');
    await page.click('#add-tea');
    await page.click('#add-cups');
    await page.click('#add-tea');
    await page.click('#remove-one-cup');
    await page.click('#remove-tea'); // no data-quantity: the whole line goes
    const events = (await h.waitForEvents((e) => e.type === 'cart_add' || e.type === 'cart_remove', 5)) as CartEvent[];
    expect(events[0]).toMatchObject({
      type: 'cart_add',
      item: { id: 'SKU-TEA-01', name: 'Sencha green tea', price: 12.5, quantity: 1, category: 'Tea', brand: 'Kyoto Leaf', currency: 'EUR' },
    });
    expect(events[1]!.item).toMatchObject({ id: 'SKU-CUP-01', variant: 'blue', quantity: 2, price: 18 });
    expect(events.map((e) => [e.type, e.item.id, e.item.quantity, lines(e)])).toEqual([
      ['cart_add', 'SKU-TEA-01', 1, [['SKU-TEA-01', 1]]],
      [
        'cart_add',
        'SKU-CUP-01',
        2,
        [
          ['SKU-TEA-01', 1],
          ['SKU-CUP-01', 2],
        ],
      ],
      [
        'cart_add',
        'SKU-TEA-01',
        1,
        [
          ['SKU-TEA-01', 2],
          ['SKU-CUP-01', 2],
        ],
      ],
      [
        'cart_remove',
        'SKU-CUP-01',
        1,
        [
          ['SKU-TEA-01', 2],
          ['SKU-CUP-01', 1],
        ],
      ],
      ['cart_remove', 'SKU-TEA-01', 2, [['SKU-CUP-01', 1]]],
    ]);
    expect(events.map((e) => e.cart!.value)).toEqual([12.5, 48.5, 61, 43, 18]);
    const ids = new Set(events.map((e) => e.cart!.cart_id));
    expect(ids.size).toBe(1);
    // A click on a declarative button is still a click.
    expect(h.server.events().filter(ofType('click'))).toHaveLength(5);
    expectValidBatches(h.server);
  });

  it('keeps the cart id across pages, sends it with the purchase, then starts a new cart', async () => {
    const page = await h.open('/cart.html');
    await page.click('#add-tea');
    const [add] = (await h.waitForEvents(ofType('cart_add'))) as CartEvent[];
    const cartId = add!.cart!.cart_id;
    await page.reload();
    await page.click('#checkout');
    const [checkout] = await h.waitForEvents(ofType('checkout'));
    expect(checkout).toMatchObject({ cart: { cart_id: cartId, items: [{ id: 'SKU-TEA-01', quantity: 1 }], value: 12.5 } });
    await page.click('#buy');
    const [purchase] = await h.waitForEvents(ofType('purchase'));
    expect(purchase).toMatchObject({ order: { order_id: 'ORD-1', revenue: 30, currency: 'EUR', cart_id: cartId } });
    await page.click('#add-cups');
    const adds = (await h.waitForEvents(ofType('cart_add'), 2)) as CartEvent[];
    expect(adds[1]!.cart!.cart_id).not.toBe(cartId);
    expect(lines(adds[1]!)).toEqual([['SKU-CUP-01', 2]]);
    expectValidBatches(h.server);
  });

  it('takes the site’s own view of the cart from cart.view and cart.checkout', async () => {
    const page = await h.open('/cart.html');
    await spoor(page, 'cart.view', { cart_id: 'site-cart-7', items: [{ id: 'A', name: 'A', price: 5, quantity: 3 }], value: 12 });
    await spoor(page, 'cart.add', { id: 'B', name: 'B', price: '2.50' });
    await spoor(page, 'cart.checkout', { items: [{ id: 'B', name: 'B', price: 2.5, quantity: 1 }] });
    const events = await h.waitForEvents((e) => ['cart_view', 'cart_add', 'checkout'].includes(e.type), 3);
    expect(events.map((e) => (e as CartEvent).cart)).toEqual([
      { cart_id: 'site-cart-7', items: [{ id: 'A', name: 'A', price: 5, quantity: 3 }], value: 12 },
      {
        cart_id: 'site-cart-7',
        items: [
          { id: 'A', name: 'A', price: 5, quantity: 3 },
          { id: 'B', name: 'B', price: '2.50', quantity: 1 },
        ],
        value: 17.5,
      },
      { cart_id: 'site-cart-7', items: [{ id: 'B', name: 'B', price: 2.5, quantity: 1 }], value: 2.5 },
    ]);
    expectValidBatches(h.server);
  });
});
