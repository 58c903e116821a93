// GET /metrics: Prometheus text of the collector's registry, and what the process adds.
import type { Hono } from 'hono';
import type { CollectorMetrics } from '../metrics.js';

export function metricsRoute(app: Hono, metrics: CollectorMetrics, extra?: () => string) {
  app.get('/metrics', async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(`${await metrics.registry.metrics()}${extra?.() ?? ''}`);
  });
}
