// Global setup: one redis-server for the run; tests isolate themselves by queue name.
import type { TestProject } from 'vitest/node';
import { startRedis, type TestRedis } from './redis.js';

let redis: TestRedis | undefined;

export async function setup(project: TestProject) {
  redis = await startRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown() {
  await redis?.stop();
}
