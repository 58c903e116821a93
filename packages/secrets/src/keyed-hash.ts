// Keyed hashes of personal data (buyers' e-mail addresses): the same address of the same site
// always gives the same hash, so orders from webhooks, imports and backends join on it, while the
// address cannot be recovered by hashing guesses without SPOOR_SECRET_KEY.
import { createHmac } from 'node:crypto';
import { deriveKey } from './secret-key.js';

/** How an address is compared: trimmed and lower-cased (providers treat the local part so in practice). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A hasher for one master key: 32 hex characters (128 bits) per site and address. */
export function emailHasher(secretKey: string): (site: string, email: string) => string {
  const key = deriveKey(secretKey, 'email-hash');
  return (site, email) => createHmac('sha256', key).update(site).update('\0').update(normalizeEmail(email)).digest('hex').slice(0, 32);
}
