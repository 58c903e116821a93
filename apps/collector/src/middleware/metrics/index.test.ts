import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CollectorError, renderError } from '../../errors.js';
import { createCollectorMetrics } from '../../metrics.js';
import { requestMetrics } from './index.js';

describe('requestMetrics', () => {
  it('counts answers by route and status, refusals by code, and labels unknown paths as other', async () => {
    const m = createCollectorMetrics();
    const a = new Hono();
    a.onError(renderError);
    a.use('*', requestMetrics(m));
    a.get('/healthz', (c) => c.text('ok'));
    a.get('/v1/p.gif', () => {
      throw new CollectorError(403, 'unknown_site', 'no');
    });
    await a.request('/healthz');
    await a.request('/v1/p.gif');
    await a.request('/wp-admin/x.php');
    const text = await m.registry.metrics();
    expect(text).toContain('spoor_collector_requests_total{route="/healthz",method="GET",status="200"} 1');
    expect(text).toContain('spoor_collector_requests_total{route="/v1/p.gif",method="GET",status="403"} 1');
    expect(text).toContain('spoor_collector_requests_total{route="other",method="GET",status="404"} 1');
    expect(text).toContain('spoor_collector_refusals_total{code="unknown_site"} 1');
    expect(text).toMatch(/spoor_collector_request_duration_seconds_count\{route="\/healthz"\} 1/);
    expect(text).not.toContain('wp-admin');
  });
});
