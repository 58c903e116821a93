// `spoor up` (one process: collector, worker, ClickHouse HTTP interface) under clients that try to
// stop it: 20 analyst memory bombs and CPU hogs at once, and 2,000 slowloris connections plus slow
// bodies. Meanwhile batches keep flowing: each is acknowledged, lands, and is queryable soon; the
// process stays alive and ready.
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch, makeEvent } from '@spoor/testkit/events';
import { startSpoorUp, type SpoorUp } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

const ANALYST = 'analyst-password-hostile';
const TOKEN = 'hostile-clients-admin-token-0123';
let up: SpoorUp;

beforeAll(async () => {
  up = await startSpoorUp(tempDir('hostile'), { SPOOR_ANALYST_PASSWORD: ANALYST, SPOOR_ADMIN_TOKEN: TOKEN, SPOOR_ANALYST_MAX_EXECUTION_TIME: '8' });
}, 60_000);
afterAll(async () => {
  await up?.stop('SIGKILL');
});

const sql = (user: string, password: string, query: string) =>
  fetch(`http://127.0.0.1:${up.clickhousePort}/?query=${encodeURIComponent(query)}`, { headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password } });

/** Posts a batch of one pageview and measures how long until it is queryable. */
async function ingestOnce(prefix: string): Promise<{ ack: number; queryable: number }> {
  const event = makeEvent('pageview', { visitor_id: `${prefix}-${randomUUID()}` });
  const started = Date.now();
  const res = await fetch(`${up.base}/v1/batch`, { method: 'POST', body: JSON.stringify(makeBatch([event], { site: 'demo' })) });
  expect(res.status).toBe(202);
  const ack = Date.now() - started;
  for (;;) {
    const r = await sql('spoor', TOKEN, `SELECT count() FROM spoor.events WHERE event_id = '${event.event_id}'`);
    if ((await r.text()).trim() === '1') return { ack, queryable: Date.now() - started };
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('spoor up under hostile clients', () => {
  it('keeps ingesting and stays alive through 20 analyst memory bombs and CPU hogs at once', async () => {
    const before = await ingestOnce('calm');
    // Each row of a bomb holds 100 kB, so it reaches its memory limit within some thousands of rows,
    // however little CPU it gets beside the hogs (8-byte rows could reach the time limit first).
    const bombs = Array.from({ length: 10 }, () => sql('analyst', ANALYST, "SELECT length(groupArray(repeat('x', 100000))) FROM numbers(1000000)"));
    const hogs = Array.from({ length: 10 }, () => sql('analyst', ANALYST, 'SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) % 7 = 1'));
    const storm = Promise.all([...bombs, ...hogs].map(async (p) => (await p).headers.get('x-clickhouse-exception-code') ?? String((await p).status)));
    await new Promise((r) => setTimeout(r, 1_000));
    const during: Array<{ ack: number; queryable: number }> = [];
    for (let i = 0; i < 5; i++) during.push(await ingestOnce('storm'));
    const ready = Date.now();
    expect((await fetch(`${up.base}/readyz`)).status).toBe(200);
    expect(Date.now() - ready).toBeLessThan(2_000);
    const codes = await storm;
    // Memory bombs stop at their limit, hogs at their time limit, the rest wait for a place.
    expect(codes.filter((c) => c === '241').length).toBeGreaterThan(0);
    expect(codes.slice(0, bombs.length).every((c) => ['241', '202'].includes(c))).toBe(true);
    expect(codes.slice(bombs.length).every((c) => ['159', '202'].includes(c))).toBe(true);
    expect(up.child.exitCode).toBeNull();
    // Ingestion went on meanwhile: every batch acknowledged at once and queryable within seconds.
    expect(Math.max(...during.map((d) => d.ack))).toBeLessThan(2_000);
    expect(Math.max(...during.map((d) => d.queryable))).toBeLessThan(Math.max(8_000, before.queryable * 20));
  }, 120_000);

  it('answers 408 to 2,000 slowloris connections and slow bodies while batches flow', async () => {
    const port = up.port;
    const sockets: Socket[] = [];
    const answers: string[] = [];
    const open = (payload: string) =>
      new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let out = '';
        s.on('data', (d) => (out += d));
        s.on('error', () => undefined);
        s.on('close', () => answers.push(out.slice(9, 12) || 'closed'));
        s.on('connect', () => {
          s.write(payload);
          resolve();
        });
        sockets.push(s);
      });
    const body = JSON.stringify(makeBatch([makeEvent('pageview')], { site: 'demo' }));
    for (let i = 0; i < 2_000; i++) await open('POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n');
    for (let i = 0; i < 200; i++)
      await open(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`);
    // Drip a byte now and then, as slowloris does, to keep the connections busy.
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('X');
    }, 2_000);
    try {
      const timings: number[] = [];
      const started = Date.now();
      while (Date.now() - started < 6_000) timings.push((await ingestOnce('loris')).ack);
      expect(timings.length).toBeGreaterThan(5);
      expect(Math.max(...timings)).toBeLessThan(3_000);
      // Every slow connection was answered 408 (or closed) within the header/body limits.
      await expect.poll(() => answers.length, { timeout: 30_000, interval: 500 }).toBe(2_200);
    } finally {
      clearInterval(drip);
      for (const s of sockets) s.destroy();
    }
    expect(answers.filter((a) => a !== '408' && a !== 'closed')).toEqual([]);
    expect(answers.filter((a) => a === '408').length).toBeGreaterThan(2_000);
    expect((await fetch(`${up.base}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${up.base}/metrics`)).text();
    expect(metrics).not.toMatch(/spoor_collector_requests_total\{[^}]*status="5\d\d"\}/);
  }, 120_000);
});
