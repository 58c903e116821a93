// Realistic request bodies for load tests: 20-event batches of shop traffic, each request with a
// batch_id of its own (a repeated id would take the collector's cheap duplicate path).
import { generateTraffic } from '@spoor/traffic';

/** A function returning the next body; `site` is the envelope's site id. */
export function batchBodies(site, eventsPerBatch = 20) {
  const traffic = generateTraffic({ seed: 99, visitors: 200, site, resendBatchRate: 0, resendEventsRate: 0, botRate: 0 });
  // Shop traffic in the order it was generated, cut into batches of the wanted size.
  const events = traffic.batches.filter((b) => b.userAgent.startsWith('Mozilla/')).flatMap((b) => b.body.events);
  const chunks = Array.from({ length: Math.min(50, Math.floor(events.length / eventsPerBatch)) }, (_, i) =>
    events.slice(i * eventsPerBatch, (i + 1) * eventsPerBatch),
  );
  const templates = chunks.map((chunk) => {
    const json = JSON.stringify({ site, batch_id: '@@', sent_at: 0, events: chunk });
    const [head, tail] = json.split('"@@"');
    return { head, tail };
  });
  let n = 0;
  const bytes = templates.reduce((s, t) => s + t.head.length + t.tail.length, 0) / templates.length;
  return {
    bytes,
    events: eventsPerBatch,
    next() {
      const t = templates[n % templates.length];
      return `${t.head}"b${process.pid}-${n++}"${t.tail.replace('"sent_at":0', `"sent_at":${Date.now()}`)}`;
    },
  };
}
