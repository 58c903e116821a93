// @spoor/events/limits: the wire limits on their own, for code that must not load zod (the SDK).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '@spoor/events';
import { LIMITS as SUBPATH_LIMITS } from '@spoor/events/limits';

describe('@spoor/events/limits', () => {
  it('is the same LIMITS as the package index', () => {
    expect(SUBPATH_LIMITS).toBe(LIMITS);
  });

  it('imports nothing, so zod stays out of whatever imports it', () => {
    const file = createRequire(import.meta.url).resolve('@spoor/events/limits');
    expect(readFileSync(file, 'utf8')).not.toMatch(/^\s*import\b|\brequire\(/m);
  });
});
