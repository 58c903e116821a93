// Site keys: the bearer secret a shop's backend sends to /v1/server/batch and /v1/profiles. Only
// the SHA-256 of a key is stored; a key is 256 random bits, so a plain hash cannot be brute-forced.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'spk_';

/** A new key: `spk_` and 43 characters of base64url. Show it once; store `hashSiteKey(key)`. */
export function newSiteKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of the key, as the `sites.key_hash` column holds it. */
export function hashSiteKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Whether `presented` is the key whose hash is stored. Both sides are hashed to the same length
 * and compared in constant time, so neither timing nor length tells anything about the key.
 */
export function siteKeyHashMatches(keyHash: string, presented: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(keyHash) || presented.length === 0) return false;
  return timingSafeEqual(Buffer.from(keyHash, 'hex'), createHash('sha256').update(presented, 'utf8').digest());
}
