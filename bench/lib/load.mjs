// Realistic request bodies for load tests: 20-event batches of shop traffic. Every request gets a
// batch_id and event ids of its own (a repeated batch would take the collector's cheap duplicate
// path, a repeated event would collapse in ClickHouse).
import http from 'node:http';
import { generateTraffic } from '@spoor/traffic';

/** `next()` returns the next body; `site` is the envelope's site id. */
export function batchBodies(site, eventsPerBatch = 20) {
  const traffic = generateTraffic({ seed: 99, visitors: 200, site, resendBatchRate: 0, resendEventsRate: 0, botRate: 0 });
  // Shop traffic in the order it was generated, cut into batches of the wanted size.
  const events = traffic.batches.filter((b) => b.userAgent.startsWith('Mozilla/')).flatMap((b) => b.body.events);
  const chunks = Array.from({ length: Math.min(50, Math.floor(events.length / eventsPerBatch)) }, (_, i) =>
    events.slice(i * eventsPerBatch, (i + 1) * eventsPerBatch),
  );
  // Each template is split at the batch id, the send time and the last 12 hex digits of every
  // event id, so a body is a join of fixed parts and a few counters.
  const templates = chunks.map((chunk) => {
    const marked = chunk.map((e, i) => ({ ...e, event_id: `${e.event_id.slice(0, 24)}@@${i}@@` }));
    return JSON.stringify({ site, batch_id: '@@b@@', sent_at: '@@t@@', events: marked }).split(/"?@@(?:b|t|\d+)@@"?/);
  });
  let n = 0;
  const bytes = templates.reduce((s, parts) => s + parts.join('').length, 0) / templates.length + 60 + 12 * eventsPerBatch;
  return {
    bytes,
    events: eventsPerBatch,
    next() {
      const parts = templates[n % templates.length];
      const id = n++;
      let out = `${parts[0]}"b${process.pid}-${id}"${parts[1]}${Date.now()}${parts[2]}`;
      for (let i = 0; i < eventsPerBatch; i++) out += `${(id * 64 + i).toString(16).padStart(12, '0')}"${parts[i + 3]}`;
      return out;
    },
  };
}

/**
 * One HTTP request on a kept-alive connection (node:http, not fetch: the load generator shares the
 * two cores with the server it measures, and fetch spends about three times the CPU per request),
 * resolving once the whole answer is read: `{ status, text(), json() }`. A request racing
 * the server's close of an idle connection fails before reaching it, so it is sent once more.
 * `timeoutMs` bounds the whole request (then it rejects with a TimeoutError).
 */
export async function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30_000 } = {}) {
  try {
    return await send(url, method, headers, body, timeoutMs);
  } catch (err) {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
    return send(url, method, headers, body, timeoutMs);
  }
}

// No cap on sockets (as fetch has none): a capped pool shared by the ingest load and the lookups
// would make a lookup wait in the client for a socket whenever batches were slow to be answered.
const agent = new http.Agent({ keepAlive: true });

function send(url, method, headers, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const settle = (f, v) => (clearTimeout(timer), f(v));
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (err) => settle(reject, err));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        settle(resolve, { status: res.statusCode, text: () => text, json: () => JSON.parse(text) });
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    req.on('error', (err) => settle(reject, err));
    req.end(body);
  });
}
