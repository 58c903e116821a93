// Realistic request bodies for load tests: 20-event batches of shop traffic. Every request gets a
// batch_id and event ids of its own (a repeated batch would take the collector's cheap duplicate
// path, a repeated event would collapse in ClickHouse).
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
 * fetch, tried again once when a kept-alive socket turns out closed (the server ends idle
 * connections; a request racing that close fails before reaching it, so a retry sends it once).
 */
export async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (err.cause?.code !== 'UND_ERR_SOCKET' && err.cause?.code !== 'ECONNRESET') throw err;
    return fetch(url, init);
  }
}
