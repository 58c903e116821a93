// A collector over an in-memory queue, for route tests of pure HTTP behaviour (the same routes run
// against real Redis and ClickHouse in test/collector-*.test.ts at the repository root).
import type { BatchJobData } from '@spoor/queue';
import { createCollector, staticSites, type CollectorOptions } from '../src/index.js';

/** What @hono/node-server puts in `c.env`: the socket the request came on. */
export function fromPeer(remoteAddress: string) {
  return { incoming: { socket: { remoteAddress } } };
}

export function setup(overrides: Partial<CollectorOptions> = {}) {
  const jobs: BatchJobData[] = [];
  const collector = createCollector({
    queue: { enqueue: async (job) => (jobs.push(job), { jobId: `${job.site}.${job.batch_id}` }), isReady: async () => true },
    sites: staticSites([
      { site: 'shop', origins: ['https://shop.example'] },
      { site: 'wide', origins: ['https://wide.example'], cookieDomain: 'wide.example' },
    ]),
    ipSalt: async () => 'salt',
    ...overrides,
  });
  const post = (body: unknown, headers: Record<string, string> = {}, env?: object, url = 'http://collect.example/v1/batch') =>
    collector.app.request(
      url,
      {
        method: 'POST',
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as RequestInit['body']) : JSON.stringify(body),
        headers: { 'content-type': 'text/plain', ...headers },
      },
      env,
    );
  /** Jobs that carry a batch, without the refusal records. */
  const batches = () => jobs.filter((j) => j.events.length > 0);
  const refusals = () => jobs.filter((j) => j.events.length === 0).flatMap((j) => j.rejected);
  return { collector, jobs, post, batches, refusals };
}
