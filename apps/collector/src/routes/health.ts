// Liveness and readiness. Liveness fails only for what a restart would fix (a part of the process
// that is gone for good); readiness asks each dependency (Redis, ClickHouse, the site registry) and
// says which failed.
import type { Hono } from 'hono';
import type { CollectorDeps } from '../app.js';

export function healthRoutes(app: Hono, deps: CollectorDeps, state: { readonly closing: boolean }) {
  app.get('/healthz', (c) => {
    const checks = Object.fromEntries(Object.entries(deps.liveness ?? {}).map(([name, check]) => [name, check()]));
    const live = Object.values(checks).every(Boolean);
    return c.json(live ? { status: 'ok', checks } : { status: 'unhealthy', checks }, live ? 200 : 503);
  });
  app.get('/readyz', async (c) => {
    const checks: Record<string, () => Promise<boolean>> = {
      redis: () => deps.queue.isReady(),
      ...(deps.sites.ready ? { sites: async () => deps.sites.ready!() } : {}),
      ...deps.readiness,
    };
    const results = await runChecks(checks);
    const ready = !state.closing && Object.values(results).every(Boolean);
    return c.json({ status: ready ? 'ready' : 'unavailable', shutting_down: state.closing, checks: results }, ready ? 200 : 503);
  });
}

/** Runs readiness checks side by side; a check that throws or takes over `timeoutMs` fails. */
export async function runChecks(checks: Record<string, () => Promise<boolean>>, timeoutMs = 2_000): Promise<Record<string, boolean>> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await withTimeout(check(), timeoutMs)] as const));
  return Object.fromEntries(results);
}

async function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.catch(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
