// Liveness and readiness. Readiness asks each dependency (Redis, ClickHouse, the site registry) and
// says which failed.
import type { Hono } from 'hono';
import type { CollectorDeps } from '../app.js';

export function healthRoutes(app: Hono, deps: CollectorDeps, state: { readonly closing: boolean }) {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, () => Promise<boolean>> = {
      redis: () => deps.queue.isReady(),
      ...(deps.sites.ready ? { sites: async () => deps.sites.ready!() } : {}),
      ...deps.readiness,
    };
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await withTimeout(check(), 2_000)] as const),
      ),
    );
    const ready = !state.closing && Object.values(results).every(Boolean);
    return c.json({ status: ready ? 'ready' : 'unavailable', shutting_down: state.closing, checks: results }, ready ? 200 : 503);
  });
}

async function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.catch(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
