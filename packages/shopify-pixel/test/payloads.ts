// Shopify's standard events as the Web Pixels API documents them (shopify.dev/docs/api/web-pixels-api,
// standard-events/*: the envelope {id, name, clientId, seq, timestamp, type, context, data} and
// the Cart, CartLine, Checkout, CheckoutLineItem, ProductVariant and MoneyV2 objects).
const context = {
  document: {
    characterSet: 'UTF-8',
    location: {
      hash: '',
      host: 'tea.example',
      hostname: 'tea.example',
      href: 'https://tea.example/products/sencha',
      origin: 'https://tea.example',
      pathname: '/products/sencha',
      port: '',
      protocol: 'https:',
      search: '',
    },
    referrer: 'https://www.google.com/',
    title: 'Sencha – Tea shop',
  },
  navigator: { cookieEnabled: true, language: 'en-US', languages: ['en-US'], userAgent: 'Mozilla/5.0' },
  window: { innerHeight: 900, innerWidth: 1400, location: { href: 'https://tea.example/products/sencha' }, screen: { height: 1080, width: 1920 } },
};
const envelope = (name: string, data: object, seq: number) => ({
  id: `sh-88153c5a-8F2D-4CCA-3231-EF5C032A4C3B-${seq}`,
  name,
  clientId: 'xxxx-xxxx-xxxx-xxxx',
  seq,
  timestamp: '2026-11-30T17:55:00.000Z',
  type: 'standard',
  context,
  data,
});

export const sencha = {
  id: '44211456901432',
  image: { src: '//cdn.shopify.com/s/files/1/sencha.jpg' },
  price: { amount: 12.5, currencyCode: 'EUR' },
  product: { id: '8123456789012', title: 'Sencha', type: 'Green tea', untranslatedTitle: 'Sencha', url: '/products/sencha', vendor: 'Kyoto Leaf' },
  sku: 'SEN-100',
  title: '100 g',
  untranslatedTitle: '100 g',
};
const cartLine = { cost: { totalAmount: { amount: 25, currencyCode: 'EUR' } }, merchandise: sencha, quantity: 2 };
const checkout = {
  attributes: [],
  billingAddress: null,
  buyerAcceptsEmailMarketing: false,
  buyerAcceptsSmsMarketing: false,
  currencyCode: 'EUR',
  discountApplications: [
    { allocationMethod: 'ACROSS', targetSelection: 'ALL', targetType: 'LINE_ITEM', title: 'WELCOME10', type: 'DISCOUNT_CODE', value: { percentage: 10 } },
  ],
  discountsAmount: { amount: 2.5, currencyCode: 'EUR' },
  email: 'ada@example.com',
  lineItems: [
    {
      discountAllocations: [],
      finalLinePrice: { amount: 22.5, currencyCode: 'EUR' },
      id: 'gid://shopify/CheckoutLineItem/1',
      properties: [],
      quantity: 2,
      sellingPlanAllocation: null,
      title: 'Sencha',
      variant: sencha,
    },
  ],
  localization: { country: { isoCode: 'DE' }, language: { isoCode: 'de' }, market: { handle: 'de', id: 'gid://shopify/Market/1' } },
  order: { customer: { id: 'gid://shopify/Customer/7001', isFirstOrder: true }, id: 'gid://shopify/OrderIdentity/5843458015517' },
  phone: null,
  shippingAddress: null,
  shippingLine: { price: { amount: 4.9, currencyCode: 'EUR' } },
  subtotalPrice: { amount: 22.5, currencyCode: 'EUR' },
  token: 'c1-7a2abe82733a34e84aa472d57fb5c3c1',
  totalPrice: { amount: 27.4, currencyCode: 'EUR' },
  totalTax: { amount: 4.37, currencyCode: 'EUR' },
  transactions: [{ amount: { amount: 27.4, currencyCode: 'EUR' }, gateway: 'shopify_payments', paymentMethod: { name: 'visa', type: 'creditCard' } }],
};

export const events = [
  envelope('page_viewed', {}, 1),
  envelope('product_viewed', { productVariant: sencha }, 2),
  envelope('product_added_to_cart', { cartLine }, 3),
  envelope(
    'cart_viewed',
    {
      cart: {
        attributes: [],
        cost: { totalAmount: { amount: 25, currencyCode: 'EUR' } },
        id: 'gid://shopify/Cart/c1-7a2abe82733a34e84aa472d57fb5c3c1?key=4f1a',
        lines: [cartLine],
        totalQuantity: 2,
      },
    },
    4,
  ),
  envelope('product_removed_from_cart', { cartLine: { ...cartLine, quantity: 1 } }, 5),
  envelope('checkout_started', { checkout: { ...checkout, order: { customer: null, id: null } } }, 6),
  envelope('checkout_completed', { checkout }, 7),
];
