import { describe, expect, it } from 'vitest';
import type { BatchJobData } from '@spoor/queue';
import { QueueError } from '@spoor/queue';
import { createCollector, staticSites, type CollectorOptions } from '../src/index.js';
import { makeBatch, makeEvent } from '../../../test/support/events.js';

function setup(overrides: Partial<CollectorOptions> = {}) {
  const jobs: BatchJobData[] = [];
  const collector = createCollector({
    queue: { enqueue: async (job) => (jobs.push(job), { jobId: `${job.site}.${job.batch_id}` }), isReady: async () => true },
    sites: staticSites([{ site: 'shop', origins: ['https://shop.example'] }]),
    ipSalt: async () => 'salt',
    ...overrides,
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    collector.app.request('/v1/batch', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'text/plain', ...headers },
    });
  return { collector, jobs, post };
}

describe('POST /v1/batch', () => {
  it('queues a valid batch and answers 202 with the counts', async () => {
    const { jobs, post } = setup();
    const res = await post(makeBatch([makeEvent('pageview'), makeEvent('cart_add')]), { 'user-agent': 'UA/1' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ v: 1, site: 'shop', ctx: { user_agent: 'UA/1', server_side: true } });
    expect(jobs[0]!.events.map((e) => e.type)).toEqual(['pageview', 'cart_add']);
  });

  it('accepts the good events of a batch and reports each refused one by index', async () => {
    const { jobs, post } = setup();
    const bad = { ...makeEvent('purchase'), order: { order_id: 'o1', revenue: -1, currency: 'EUR' } };
    const res = await post(makeBatch([makeEvent('pageview'), bad, { type: 'pageview' } as never]));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: number; errors: Array<{ index: number; path: string }> };
    expect(body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(body.errors.map((e) => [e.index, e.path])).toEqual([
      [1, 'events.1.order.revenue'],
      [2, 'events.2.event_id'],
    ]);
    expect(jobs[0]!.rejected).toHaveLength(2);
    expect(jobs[0]!.rejected[0]).toMatchObject({ reason: 'invalid_event', raw: expect.stringContaining('"revenue":-1') });
  });

  it('answers 400 when nothing in the batch is usable, and still keeps the refusals', async () => {
    const { jobs, post } = setup();
    const res = await post(makeBatch([{ type: 'pageview' } as never]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_event', accepted: 0, rejected: 1 });
    expect(jobs[0]!.rejected).toHaveLength(1);
  });

  it('refuses malformed JSON, the wrong content type and bad envelopes with 400', async () => {
    const { jobs, post } = setup();
    expect(await (await post('{"site": "shop", ')).json()).toMatchObject({ error: 'invalid_json' });
    const form = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({ error: 'unsupported_content_type' });
    const env = await post({ site: 'shop', events: [] });
    expect(env.status).toBe(400);
    expect(await env.json()).toMatchObject({ error: 'invalid_batch' });
    expect(jobs).toHaveLength(0);
  });

  it('refuses unknown sites and foreign origins with 403, and lets allowed origins read the answer', async () => {
    const { jobs, post } = setup();
    expect((await post(makeBatch([makeEvent('pageview')], { site: 'other' }))).status).toBe(403);
    const foreign = await post(makeBatch([makeEvent('pageview')]), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const own = await post(makeBatch([makeEvent('pageview')]), { origin: 'https://shop.example' });
    expect(own.status).toBe(202);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(jobs.at(-1)!.ctx.server_side).toBe(false);
  });

  it('lets the SDK send credentials and read Retry-After from allowed origins', async () => {
    const { collector, post } = setup();
    const own = await post(makeBatch([makeEvent('pageview')]), { origin: 'https://shop.example' });
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    expect(own.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const preflight = await collector.app.request('/v1/batch', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('answers 503 with Retry-After when the queue is unavailable', async () => {
    const { post } = setup({
      queue: {
        enqueue: async () => {
          throw new QueueError('queue_unavailable', 'down');
        },
        isReady: async () => false,
      },
    });
    const res = await post(makeBatch([makeEvent('pageview')]));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('refuses new batches once shutdown began', async () => {
    const { collector, post } = setup();
    collector.beginShutdown();
    const res = await post(makeBatch([makeEvent('pageview')]));
    expect(res.status).toBe(503);
    expect((await collector.app.request('/readyz')).status).toBe(503);
  });
});

describe('health and the SDK', () => {
  it('reports liveness and readiness per dependency', async () => {
    const { collector } = setup({ readiness: { clickhouse: async () => false } });
    expect((await collector.app.request('/healthz')).status).toBe(200);
    const ready = await collector.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: true, clickhouse: false } });
  });
});
