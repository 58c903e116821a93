// Webhook secrets at rest: AES-256-GCM under a key derived from SPOOR_SECRET_KEY. A hash would not
// do, because verifying a platform's HMAC needs the secret itself. The site and platform are bound
// in as associated data, so a sealed value copied to another site or platform does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretError } from './errors.js';
import { deriveKey } from './secret-key.js';

const VERSION = 'v1';

/** `v1.<iv>.<ciphertext>.<tag>`, base64url parts: safe in SQL text, JSON and logs (it reveals nothing). */
export function sealSecret(secretKey: string, plain: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secretKey, 'hook-secrets'), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret in clear; `SecretError('unreadable')` for another key, another context or a damaged value. */
export function openSecret(secretKey: string, sealed: string, context: string): string {
  const [version, iv, body, tag, ...rest] = sealed.split('.');
  if (version !== VERSION || iv === undefined || body === undefined || tag === undefined || rest.length > 0) {
    throw new SecretError('unreadable', 'not a sealed secret of this format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secretKey, 'hook-secrets'), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (err) {
    if (err instanceof SecretError) throw err;
    throw new SecretError('unreadable', 'the secret does not open with this SPOOR_SECRET_KEY (sealed under another key, or damaged)');
  }
}

/** Associated data of a site's webhook secret for one platform. */
export function hookSecretContext(site: string, platform: string): string {
  return `hook\0${site}\0${platform}`;
}
