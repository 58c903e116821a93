// The simulated shop: products, traffic sources and the browsers visitors use.

export interface Product {
  id: string;
  name: string;
  category: string;
  brand: string;
  /** Decimal string with two places. */
  price: string;
}

const CATEGORIES = ['Tea', 'Coffee', 'Tableware', 'Accessories', 'Gifts', 'Snacks'] as const;
const BRANDS = ['Kyoto Leaf', 'Harbour & Co', 'Kiln', 'Morning Row', 'Oakhouse'] as const;

export const PRODUCTS: readonly Product[] = Array.from({ length: 36 }, (_, i) => {
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const cents = 350 + ((i * 7919) % 9000);
  return {
    id: `SKU-${String(i + 1).padStart(3, '0')}`,
    name: `${category} item ${i + 1}`,
    category,
    brand: BRANDS[i % BRANDS.length]!,
    price: (cents / 100).toFixed(2),
  };
});

/**
 * Planted affinities (see `affinity` in generateTraffic): nine groups of four products, each
 * spanning two categories, so "bought together" and "popular in its category" point at different
 * products.
 */
export const AFFINITY_GROUPS: readonly (readonly string[])[] = Array.from({ length: 9 }, (_, g) => [g, g + 9, g + 18, g + 27].map((i) => PRODUCTS[i]!.id));

export interface Source {
  referrer: string;
  /** Query string added to the landing URL. */
  query: string;
}

export const SOURCES: readonly Source[] = [
  { referrer: '', query: '' },
  { referrer: '', query: '' },
  { referrer: 'https://www.google.com/search?q=tea', query: '' },
  { referrer: 'https://www.google.com/', query: '?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale' },
  { referrer: '', query: '?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-42' },
  { referrer: 'https://www.instagram.com/', query: '?utm_source=instagram&utm_medium=social' },
  { referrer: 'https://blog.example.org/best-teapots', query: '' },
];

export interface Browser {
  userAgent: string;
  /** What the worker's parser should make of it, for tests that check device columns. */
  device_type: 'desktop' | 'mobile' | 'tablet' | 'bot';
  screen: string;
}

export const BROWSERS: readonly Browser[] = [
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    device_type: 'desktop',
    screen: '1920x1080',
  },
  {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    device_type: 'desktop',
    screen: '1440x900',
  },
  {
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    device_type: 'mobile',
    screen: '390x844',
  },
  {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    device_type: 'mobile',
    screen: '412x915',
  },
  {
    userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    device_type: 'tablet',
    screen: '820x1180',
  },
  {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    device_type: 'desktop',
    screen: '2560x1440',
  },
];

export const BOT: Browser = {
  userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  device_type: 'bot',
  screen: '',
};
