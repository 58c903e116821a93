// One vitest run for the whole repository. Test files run in forked processes (the embedded
// ClickHouse engine is one per process), two at a time on these 2-core machines.
import { defineConfig } from 'vitest/config';

// The test processes are forked from this one and inherit its environment: the libuv pool is sized
// as bin/spoor.cjs sizes it for spoor, so in-process tests of the embedded engine see the same
// concurrency (Node reads the variable once, when the pool is first used).
process.env.UV_THREADPOOL_SIZE ??= '64';

export default defineConfig({
  test: {
    // Collector middleware keeps its test beside it (src/middleware/<name>/index.test.ts).
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['@spoor/testkit/global-redis'],
  },
});
