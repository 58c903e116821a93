import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../errors.js';
import { shutdownGate } from './index.js';

function setup() {
  const gate = shutdownGate({ refuse: ['/ingest'] });
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  const a = new Hono();
  a.onError(renderError);
  a.use('*', gate.middleware);
  a.post('/ingest', async (c) => {
    if (c.req.query('hold')) await held;
    return c.text('done', 202);
  });
  a.get('/healthz', (c) => c.text('ok'));
  return { gate, a, release };
}

describe('shutdownGate', () => {
  it('refuses new ingestion with 503 while requests inside finish, and asks clients to close', async () => {
    const { gate, a, release } = setup();
    const inside = a.request('/ingest?hold=1', { method: 'POST' });
    await new Promise((r) => setTimeout(r, 10));
    gate.begin();
    const refused = await a.request('/ingest', { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toMatchObject({ error: 'shutting_down' });
    const health = await a.request('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('connection')).toBe('close');

    let drained = false;
    const drain = gate.drain(5_000).then((v) => (drained = v));
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    release();
    expect((await inside).status).toBe(202);
    await drain;
    expect(drained).toBe(true);
  });

  it('gives up draining after its timeout', async () => {
    const { gate, a, release } = setup();
    const inside = a.request('/ingest?hold=1', { method: 'POST' });
    await new Promise((r) => setTimeout(r, 10));
    gate.begin();
    expect(await gate.drain(50)).toBe(false);
    release();
    await inside;
    expect(await gate.drain(50)).toBe(true);
  });
});
