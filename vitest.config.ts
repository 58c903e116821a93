// One vitest run for the whole repository. Test files run in forked processes (the embedded
// ClickHouse engine is one per process), two at a time on these 2-core machines.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Collector middleware keeps its test beside it (src/middleware/<name>/index.test.ts).
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: process.env.CI ? 2 : 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-redis.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
