// The SDK reads the wire limits from @spoor/events' zod-free subpath (no copy to drift), and its
// own limits stay within them. The script build writes each limit in as a number (see
// rollup.config.mjs), so neither zod nor the LIMITS object reaches a page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '@spoor/events/limits';
import * as own from '../../src/limits.js';

const root = join(import.meta.dirname, '../..');
const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

describe('SDK limits', () => {
  it('come from @spoor/events/limits: no source imports a value from the zod-loading index', () => {
    const values = sources.flatMap((f) =>
      [...readFileSync(join(root, 'src', f), 'utf8').matchAll(/^import (?!type\b)[^;]*from '(@spoor\/events[^']*)'/gm)].map((m) => `${f}: ${m[1]}`),
    );
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((v) => !v.endsWith(': @spoor/events/limits'))).toEqual([]);
  });

  it('the SDK keeps only its own limits, none of the wire contract', () => {
    expect(Object.keys(own).sort()).toEqual(['MAX_BODY_BYTES', 'OUTBOX_MAX_AGE_MS', 'OUTBOX_MAX_EVENTS']);
  });

  it('keep request bodies under the browsers’ 64 KiB budget and the collector’s body limit, with room for one largest event', () => {
    expect(own.MAX_BODY_BYTES).toBeLessThan(64 * 1024);
    expect(own.MAX_BODY_BYTES).toBeLessThan(LIMITS.maxBodyBytes);
    expect(own.MAX_BODY_BYTES - 512).toBeGreaterThanOrEqual(LIMITS.maxEventBytes); // 512: delivery's envelope room
  });

  it('the built script carries the limits it uses as numbers, and no LIMITS object', () => {
    const dir = join(root, 'dist/script');
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    for (const name of Object.keys(LIMITS)) expect(code).not.toContain(name);
    expect(code).toContain(`slice(0,${LIMITS.maxItems})`); // the dataLayer mappers' item cap
    expect(code).toContain(`>${LIMITS.maxEventBytes}&&`); // the 32 KiB guard
  });
});
