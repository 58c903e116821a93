// The recommender's rules as pure functions: seeds, scoring and reasons, the order of sources,
// exclusions and consumables.
import { describe, expect, it } from 'vitest';
import { assemble, exclusions, seedsOf, SEED_WEIGHTS, type Catalog, type Partner, type ProductInfo } from '../src/index.js';

function product(id: string, category: string, orders: number, extra: Partial<ProductInfo> = {}): ProductInfo {
  return { productId: id, name: `Name ${id}`, category, price: '4.5', currency: 'EUR', repurchase: false, orders, sessions: orders * 2, ...extra };
}

function catalogOf(products: ProductInfo[]): Catalog {
  const bestSellers = [...products].sort((a, b) => b.orders - a.orders || (a.productId < b.productId ? -1 : 1));
  const byCategory = new Map<string, ProductInfo[]>();
  for (const p of bestSellers) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
  return { byId: new Map(products.map((p) => [p.productId, p])), bestSellers, byCategory };
}

const catalog = catalogOf([
  product('TEAPOT', 'Tableware', 10),
  product('CUP', 'Tableware', 4),
  product('GREEN', 'Tea', 3),
  product('BLACK', 'Tea', 8),
  product('MUG', 'Tableware', 2),
  product('BEANS', 'Coffee', 30),
  product('FILTER', 'Coffee', 1),
]);

const pairs = (list: Array<[string, number, number]>): Partner[] => list.map(([productId, orders, sessions]) => ({ productId, orders, sessions }));

describe('seedsOf', () => {
  it('starts from what was bought, then the most recent views and carts, each product once at its strongest', () => {
    const seeds = seedsOf({
      bought: ['TEAPOT'],
      seen: [
        { productId: 'CUP', carted: false, lastAt: '2026-01-01 10:00:00.000' },
        { productId: 'GREEN', carted: true, lastAt: '2026-01-02 10:00:00.000' },
        { productId: 'TEAPOT', carted: true, lastAt: '2026-01-03 10:00:00.000' },
      ],
    });
    expect(seeds).toEqual([
      { productId: 'TEAPOT', weight: SEED_WEIGHTS.bought },
      { productId: 'GREEN', weight: SEED_WEIGHTS.carted },
      { productId: 'CUP', weight: SEED_WEIGHTS.viewed },
    ]);
  });

  it('keeps at most 20 seeds', () => {
    const seen = Array.from({ length: 30 }, (_, i) => ({ productId: `P${i}`, carted: false, lastAt: `2026-01-01 10:00:${String(i).padStart(2, '0')}.000` }));
    const seeds = seedsOf({ bought: [], seen });
    expect(seeds).toHaveLength(20);
    expect(seeds[0]!.productId).toBe('P29');
  });
});

describe('assemble', () => {
  it("ranks partners by shared orders over the seed's orders, sessions at half weight, and says why", () => {
    const out = assemble({
      seeds: [{ productId: 'TEAPOT', weight: 1 }],
      // TEAPOT has 10 orders and 20 sessions: GREEN = 5/11 ≈ 0.45; CUP = 1/11 + 0.5 × 18/21 ≈ 0.52.
      partners: new Map([
        [
          'TEAPOT',
          pairs([
            ['GREEN', 5, 0],
            ['CUP', 1, 18],
          ]),
        ],
      ]),
      catalog,
      exclude: new Set(['TEAPOT']),
      limit: 2,
    });
    expect(out.map((r) => [r.product_id, r.reason])).toEqual([
      ['CUP', 'viewed_together'],
      ['GREEN', 'bought_together'],
    ]);
    expect(out[1]).toEqual({
      product_id: 'GREEN',
      name: 'Name GREEN',
      category: 'Tea',
      price: '4.50',
      currency: 'EUR',
      reason: 'bought_together',
      score: expect.any(Number),
    });
    expect(out[0]!.score).toBeGreaterThan(out[1]!.score);
    for (const r of out) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
  });

  it("fills with best sellers of the seeds' categories, then of the site, never repeating or showing an excluded product", () => {
    const out = assemble({
      seeds: [{ productId: 'GREEN', weight: 1 }],
      partners: new Map([['GREEN', pairs([['MUG', 1, 0]])]]),
      catalog,
      exclude: new Set(['GREEN', 'BLACK']),
      limit: 4,
    });
    expect(out.map((r) => [r.product_id, r.reason])).toEqual([
      ['MUG', 'bought_together'],
      // Tea's best seller BLACK is excluded, GREEN is the seed itself: the site's best sellers follow.
      ['BEANS', 'popular'],
      ['TEAPOT', 'popular'],
      ['CUP', 'popular'],
    ]);
  });

  it('orders category fallbacks by the strongest seed first', () => {
    const out = assemble({
      seeds: [
        { productId: 'FILTER', weight: 1 },
        { productId: 'CUP', weight: 0.5 },
      ],
      partners: new Map(),
      catalog,
      exclude: new Set(['FILTER', 'CUP']),
      limit: 3,
    });
    expect(out.map((r) => [r.product_id, r.reason])).toEqual([
      ['BEANS', 'popular_in_category'],
      ['TEAPOT', 'popular_in_category'],
      ['MUG', 'popular_in_category'],
    ]);
  });

  it('without any history, is the best sellers (the popularity baseline)', () => {
    const out = assemble({ seeds: [], partners: new Map(), catalog, exclude: new Set(), limit: 3 });
    expect(out.map((r) => [r.product_id, r.reason, r.score])).toEqual([
      ['BEANS', 'popular', 1],
      ['TEAPOT', 'popular', 0.3333],
      ['BLACK', 'popular', 0.2667],
    ]);
  });

  it('skips partners the catalogue does not know (nothing to show for them)', () => {
    const out = assemble({
      seeds: [{ productId: 'CUP', weight: 1 }],
      partners: new Map([['CUP', pairs([['GHOST', 9, 9]])]]),
      catalog,
      exclude: new Set(),
      limit: 1,
    });
    expect(out[0]!.product_id).not.toBe('GHOST');
  });
});

describe('exclusions', () => {
  it('hides the cart and what was bought, unless the site or the product says it is a consumable', () => {
    const cat = catalogOf([product('BEANS', 'Coffee', 3, { repurchase: true }), product('CUP', 'Tableware', 1), product('FILTER', 'Coffee', 1)]);
    const out = exclusions({ bought: ['BEANS', 'CUP', 'FILTER'], cart: ['MUG'], catalog: cat, repurchaseProducts: ['FILTER'] });
    expect([...out].sort()).toEqual(['CUP', 'MUG']);
  });
});
