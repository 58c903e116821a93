// SPOOR_SECRET_KEY: the deployment's one master secret, from which each use derives a key of its
// own (HKDF), so sealing webhook secrets and hashing e-mail addresses never share key material.
import { hkdfSync, randomBytes } from 'node:crypto';
import { SecretError } from './errors.js';

/** Shortest SPOOR_SECRET_KEY accepted: below this a key could be guessed. */
export const SECRET_KEY_MIN_LENGTH = 32;

/** What a derived key is for; a new use gets a new name, never an old one's. */
export type KeyPurpose = 'hook-secrets' | 'email-hash';

/** A fresh master key (43 characters of base64url, 256 bits). */
export function newSecretKey(): string {
  return randomBytes(32).toString('base64url');
}

export function checkSecretKey(secretKey: string): void {
  if (secretKey.length < SECRET_KEY_MIN_LENGTH) {
    throw new SecretError('invalid_secret_key', `SPOOR_SECRET_KEY must be at least ${SECRET_KEY_MIN_LENGTH} characters`);
  }
}

/** 32 bytes for one purpose, derived from the master key. */
export function deriveKey(secretKey: string, purpose: KeyPurpose): Buffer {
  checkSecretKey(secretKey);
  return Buffer.from(hkdfSync('sha256', secretKey, 'spoor', purpose, 32));
}
