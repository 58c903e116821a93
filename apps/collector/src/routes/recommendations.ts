// GET /v1/recommendations?site=SITE&product=ID[&limit=N]: "customers who bought this also bought"
// for a product page — products bought or viewed with this one, then its category's and the site's
// best sellers, each with its reason. The same for every visitor, so briefly cacheable.
import type { Hono, MiddlewareHandler } from 'hono';
import type { ProductRecommendations } from '@spoor/events';
import type { CollectorDeps } from '../app.js';
import { CollectorError } from '../errors.js';
import { read, siteForPage } from './page-lookup.js';

const PRODUCT_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;
export const RECOMMENDATIONS_LIMIT = { default: 4, max: 20 } as const;

export function recommendationsRoute(app: Hono, deps: CollectorDeps, ipLimit: MiddlewareHandler) {
  app.get('/v1/recommendations', ipLimit, async (c) => {
    const site = await siteForPage(c, deps);
    const product = c.req.query('product') ?? '';
    if (!PRODUCT_ID.test(product)) {
      throw new CollectorError(400, 'invalid_request', 'product: must be 1-128 characters without control characters');
    }
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? RECOMMENDATIONS_LIMIT.default : Number(limitText);
    if (!/^\d{1,2}$/.test(limitText ?? '4') || limit < 1 || limit > RECOMMENDATIONS_LIMIT.max) {
      throw new CollectorError(400, 'invalid_request', `limit: must be a whole number from 1 to ${RECOMMENDATIONS_LIMIT.max}`);
    }
    const recommendations = await read(deps, (r) => r.productRecommendations(site, product, limit));
    c.header('Cache-Control', 'public, max-age=60');
    return c.json<ProductRecommendations>({ product, recommendations });
  });
}
