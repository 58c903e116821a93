// Site keys, sealed webhook secrets and derived keys.
import { describe, expect, it } from 'vitest';
import {
  deriveKey,
  emailHasher,
  hashSiteKey,
  hookSecretContext,
  newSecretKey,
  newSiteKey,
  normalizeEmail,
  openSecret,
  redactUrl,
  sealSecret,
  SecretError,
  siteKeyHashMatches,
} from '../src/index.js';

const master = newSecretKey();

describe('site keys', () => {
  it('are random, prefixed, and match only their own hash', () => {
    const a = newSiteKey();
    const b = newSiteKey();
    expect(a).toMatch(/^spk_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashSiteKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(siteKeyHashMatches(hashSiteKey(a), a)).toBe(true);
    expect(siteKeyHashMatches(hashSiteKey(a), b)).toBe(false);
    expect(siteKeyHashMatches(hashSiteKey(a), '')).toBe(false);
    expect(siteKeyHashMatches(hashSiteKey(a), a.slice(0, -1))).toBe(false);
  });

  it('never match an empty or malformed stored hash (a site without a key)', () => {
    expect(siteKeyHashMatches('', '')).toBe(false);
    expect(siteKeyHashMatches('', 'spk_x')).toBe(false);
    expect(siteKeyHashMatches('zz'.repeat(32), 'spk_x')).toBe(false);
  });
});

describe('sealed secrets', () => {
  const ctx = hookSecretContext('shop-1', 'shopify');

  it('open with the same key and context, and hide the secret', () => {
    const sealed = sealSecret(master, 'whsec_top-secret', ctx);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('top-secret');
    expect(sealSecret(master, 'whsec_top-secret', ctx)).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(master, sealed, ctx)).toBe('whsec_top-secret');
  });

  it('refuse another key, another site or platform, and damaged values', () => {
    const sealed = sealSecret(master, 's3cret', ctx);
    const refused = (fn: () => string) => {
      expect(fn).toThrow(SecretError);
      try {
        fn();
      } catch (err) {
        expect((err as SecretError).code).toBe('unreadable');
      }
    };
    refused(() => openSecret(newSecretKey(), sealed, ctx));
    refused(() => openSecret(master, sealed, hookSecretContext('shop-2', 'shopify')));
    refused(() => openSecret(master, sealed, hookSecretContext('shop-1', 'stripe')));
    const parts = sealed.split('.');
    // Another first character, whatever the random IV made it (an 'A' replaced by 'A' changes nothing).
    const damaged = `${parts[2]!.startsWith('A') ? 'B' : 'A'}${parts[2]!.slice(1)}`;
    refused(() => openSecret(master, [parts[0], parts[1], damaged, parts[3]].join('.'), ctx));
    refused(() => openSecret(master, 's3cret', ctx));
  });
});

describe('derived keys', () => {
  it('differ per purpose and refuse a short master key', () => {
    expect(deriveKey(master, 'hook-secrets').equals(deriveKey(master, 'email-hash'))).toBe(false);
    expect(deriveKey(master, 'hook-secrets')).toHaveLength(32);
    expect(() => deriveKey('short', 'hook-secrets')).toThrow(/at least 32 characters/);
  });
});

describe('e-mail hashes', () => {
  it('are keyed, per site, and ignore case and surrounding spaces', () => {
    const hash = emailHasher(master);
    const h = hash('shop-1', 'Ada@Example.com ');
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(hash('shop-1', 'ada@example.com')).toBe(h);
    expect(hash('shop-2', 'ada@example.com')).not.toBe(h);
    expect(emailHasher(newSecretKey())('shop-1', 'ada@example.com')).not.toBe(h);
    expect(normalizeEmail(' A@B.C ')).toBe('a@b.c');
  });
});

describe('redactUrl', () => {
  it('keeps scheme, host and path; drops a password, a query token and a fragment', () => {
    expect(redactUrl('https://user:s3cret@hooks.example.com:8443/in/spoor?token=abc#x')).toBe('https://hooks.example.com:8443/in/spoor');
    expect(redactUrl('http://default:pw@clickhouse:8123/')).toBe('http://clickhouse:8123/');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });
});
