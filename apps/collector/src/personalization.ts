// What the personalization routes read, injected by the process that composes the collector
// (`spoor up`, or `spoor collector` with CLICKHOUSE_URL: @spoor/personalization over the warehouse),
// so the request path itself holds no warehouse and no SQL. Answers are the contract's shapes.
import type { FullProfile, MeAnswer, Recommendation } from '@spoor/events';
import type { SiteConfig } from './sites.js';

/** The site's rules the answers are built under (a SiteConfig has them). */
export type SitePolicy = Pick<SiteConfig, 'site' | 'exposeTraits' | 'exposeSegments' | 'repurchaseProducts'>;

export interface PersonalizationReader {
  /** The visitor's own profile, only what the site exposes; `{known: false}` for the unknown or erased. */
  me(policy: SitePolicy, visitorId: string): Promise<MeAnswer>;
  /** Products bought or viewed with this one (then best sellers), each with its reason. */
  productRecommendations(policy: SitePolicy, productId: string, limit: number): Promise<Recommendation[]>;
  /** The whole profile of a customer id or visitor id; undefined when the site knows neither. */
  profile(policy: SitePolicy, id: string): Promise<FullProfile | undefined>;
}
