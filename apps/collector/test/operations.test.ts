// Health, readiness, metrics, preflight and shutdown through the composed app.
import { describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { setup } from './harness.js';

describe('health and readiness', () => {
  it('reports liveness and readiness per dependency, the site registry included', async () => {
    const { collector } = setup({ readiness: { clickhouse: async () => false }, sites: { lookup: () => undefined, ready: () => false } });
    expect((await collector.app.request('/healthz')).status).toBe(200);
    const ready = await collector.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: true, clickhouse: false, sites: false } });
  });
});

describe('GET /metrics', () => {
  it('exposes requests by status, events accepted and rejected by reason, and queue add latency', async () => {
    const { collector, post } = setup();
    await post(makeBatch([makeEvent('pageview'), makeEvent('click'), { type: 'pageview' } as never]));
    await post(makeBatch([makeEvent('pageview')], { site: 'nobody' }));
    const res = await collector.app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('spoor_collector_requests_total{route="/v1/batch",method="POST",status="202"} 1');
    expect(text).toContain('spoor_collector_requests_total{route="/v1/batch",method="POST",status="403"} 1');
    expect(text).toContain('spoor_collector_events_accepted_total{site="shop"} 2');
    expect(text).toContain('spoor_collector_events_rejected_total{reason="invalid_event"} 1');
    expect(text).toContain('spoor_collector_refusals_total{code="unknown_site"} 1');
    expect(text).toContain('spoor_collector_queue_add_seconds_count{outcome="ok"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('shutdown', () => {
  it('refuses new batches and pixels once shutdown began, keeps health answering, and drains', async () => {
    const { collector, post } = setup();
    collector.beginShutdown();
    const res = await post(makeBatch([makeEvent('pageview')]));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'shutting_down' });
    expect((await collector.app.request('/v1/p.gif?site=shop')).status).toBe(503);
    expect((await collector.app.request('/readyz')).status).toBe(503);
    expect((await collector.app.request('/healthz')).status).toBe(200);
    expect(await collector.drain(1_000)).toBe(true);
  });
});

describe('preflight', () => {
  it('answers OPTIONS /v1/batch for registered origins only', async () => {
    const { collector } = setup();
    const ok = await collector.app.request('/v1/batch', { method: 'OPTIONS', headers: { origin: 'https://wide.example' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await collector.app.request('/v1/batch', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });
});
