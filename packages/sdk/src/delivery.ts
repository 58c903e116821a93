// Batches events and sends them: fetch with keepalive while the page lives, sendBeacon when it hides.
// Requests use text/plain so the browser sends no CORS preflight.
import type { SpoorEventInput } from '@spoor/events';
import { uuid } from './util.js';

export interface DeliveryOptions {
  url: string;
  site: string;
  batchSize: number;
  flushInterval: number;
}

interface Batch {
  batch_id: string;
  events: SpoorEventInput[];
  attempts: number;
}

export interface Delivery {
  push(event: SpoorEventInput): void;
  flush(): Promise<void>;
  /** Last chance before the page goes away: beacon whatever is queued. */
  flushOnHide(): void;
}

const MAX_ATTEMPTS = 6;

export function createDelivery(opts: DeliveryOptions): Delivery {
  const queue: SpoorEventInput[] = [];
  const retry: Batch[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  function schedule(delay = opts.flushInterval) {
    if (timer === undefined) timer = setTimeout(() => void flush(), delay);
  }

  function take(): Batch[] {
    const batches = retry.splice(0);
    while (queue.length > 0) {
      batches.push({ batch_id: uuid(), events: queue.splice(0, opts.batchSize), attempts: 0 });
    }
    return batches;
  }

  function body(b: Batch): string {
    return JSON.stringify({ site: opts.site, batch_id: b.batch_id, sent_at: Date.now(), events: b.events });
  }

  async function send(b: Batch): Promise<void> {
    let status = 0;
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        body: body(b),
        headers: { 'Content-Type': 'text/plain' },
        keepalive: true,
        credentials: 'omit',
      });
      status = res.status;
    } catch {
      status = 0; // network error
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (retryable && ++b.attempts < MAX_ATTEMPTS) {
      retry.push(b);
      schedule(Math.min(30_000, 1000 * 2 ** b.attempts) * (0.5 + Math.random()));
    }
  }

  async function flush() {
    clearTimeout(timer);
    timer = undefined;
    await Promise.all(take().map(send));
  }

  return {
    push(event) {
      queue.push(event);
      if (queue.length >= opts.batchSize) void flush();
      else schedule();
    },
    flush,
    flushOnHide() {
      for (const b of take()) {
        let sent = false;
        try {
          sent = navigator.sendBeacon(opts.url, new Blob([body(b)], { type: 'text/plain' }));
        } catch {
          sent = false;
        }
        if (!sent) void send(b);
      }
    },
  };
}
