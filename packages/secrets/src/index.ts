// @spoor/secrets: site keys, webhook secrets sealed at rest, derived keys. node:crypto only.
export { type SecretErrorCode, SecretError } from './errors.js';
export { normalizeEmail, emailHasher } from './keyed-hash.js';
export { redactUrl } from './redact.js';
export { sealSecret, openSecret, hookSecretContext } from './sealed.js';
export { newSecretKey, checkSecretKey, deriveKey, SECRET_KEY_MIN_LENGTH, type KeyPurpose } from './secret-key.js';
export { newSiteKey, hashSiteKey, siteKeyHashMatches } from './site-key.js';
