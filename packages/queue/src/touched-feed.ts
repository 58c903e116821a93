// Who each insert touched, from the worker to every collector, over Redis pub/sub on the queue's
// own channel: the collectors' kept /v1/me states of those people are read again. Pub/sub keeps
// nothing: a collector that was not listening missed some, so an interrupted subscription says
// `onReset` and the collector drops what it kept.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { QUEUE_PREFIX } from './names.js';

export interface TouchedPeople {
  site: string;
  visitors: string[];
  users: string[];
}

const message = z.array(z.object({ site: z.string(), visitors: z.array(z.string()), users: z.array(z.string()) }));

/** The channel of a queue's touched people. */
export const touchedChannel = (queueName: string) => `${QUEUE_PREFIX}:${queueName}:touched`;

/** Tells the listening collectors; never rejects (a lost message only delays a kept state's refresh). */
export async function publishTouched(redis: Redis, queueName: string, touched: readonly TouchedPeople[]): Promise<void> {
  if (touched.length === 0) return;
  await redis.publish(touchedChannel(queueName), JSON.stringify(touched)).catch(() => 0);
}

export interface TouchedSubscription {
  close(): Promise<void>;
}

export interface SubscribeTouchedOptions {
  url: string;
  queueName: string;
  onTouched: (t: TouchedPeople) => void;
  /** The subscription was (re)established after a gap: messages may have been missed. */
  onReset: () => void;
  onError?: (err: Error) => void;
  /** The subscriber's name in `CLIENT LIST`. @defaultValue `spoor-touched` */
  connectionName?: string;
}

export async function subscribeTouched(opts: SubscribeTouchedOptions): Promise<TouchedSubscription> {
  const channel = touchedChannel(opts.queueName);
  const sub = new Redis(opts.url, {
    connectionName: opts.connectionName ?? 'spoor-touched',
    connectTimeout: 2_000,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let connected = false;
  sub.on('error', (err: Error) => opts.onError?.(err));
  sub.on('ready', () => {
    // ioredis subscribes again by itself after a reconnection; what came meanwhile is lost.
    if (connected) opts.onReset();
    connected = true;
  });
  sub.on('message', (ch: string, text: string) => {
    if (ch !== channel) return;
    let parsed: TouchedPeople[];
    try {
      parsed = message.parse(JSON.parse(text));
    } catch (err) {
      return opts.onError?.(err as Error);
    }
    for (const t of parsed) opts.onTouched(t);
  });
  await sub.subscribe(channel);
  return {
    async close() {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
