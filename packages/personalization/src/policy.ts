// What a site lets its pages read about their own visitor, and which products it sells again to
// their buyers: the per-site rules every answer is built under (from the sites registry).

export interface SitePolicy {
  site: string;
  /** Trait names a page may read (exact, case-sensitive); empty: none. */
  exposeTraits: readonly string[];
  /** Segment names a page may see its visitor in; empty: none. */
  exposeSegments: readonly string[];
  /** Consumables: recommended again to people who bought them. */
  repurchaseProducts: readonly string[];
}

/**
 * The traits a page may see: exactly the listed keys that the visitor has, in a prototype-free
 * object, so no key (`__proto__`, `constructor`) can reach anything but its own value.
 */
export function exposedTraits(traits: Record<string, string> | undefined, allowed: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (!traits) return out;
  for (const key of allowed) {
    if (Object.prototype.hasOwnProperty.call(traits, key) && typeof traits[key] === 'string') out[key] = traits[key];
  }
  return out;
}
