// Scheduled segment webhooks for `spoor up`: what the admin page's "Schedule" creates. Each
// schedule (segment, parameters, site, URL, interval) is a BullMQ job scheduler in Redis, so it
// outlives restarts; a run is `spoor segments export NAME --to URL` once (who entered and left).
import { createHash } from 'node:crypto';
import type { WebhookScheduleRequest, WebhookSchedule, WebhookSchedules } from '@spoor/admin';
import { siteIdSchema } from '@spoor/events';
import { createRedisConnection, startScheduleBook } from '@spoor/queue';
import { redactUrl } from '@spoor/secrets';
import { deliverSegmentChanges, parseDuration, resolveParams, SegmentError, type SegmentCatalog } from '@spoor/segments';
import type { Warehouse } from '@spoor/warehouse';
import type { Logger } from './logger.js';

interface Data {
  segment: string;
  url: string;
  every: string;
  params: Record<string, string>;
  site?: string | undefined;
}

export interface SegmentWebhookOptions {
  redisUrl: string;
  warehouse: Warehouse;
  /** SPOOR_QUEUE: the schedules' queue is named after it. */
  queue: string;
  catalog: () => SegmentCatalog;
  /** SPOOR_WEBHOOK_SECRET, signing each post. */
  secret?: string | undefined;
  log: Logger;
}

/** Shorter intervals would run into each other: a delivery diffs and posts the whole segment. */
const MIN_EVERY_MS = 60_000;

export function startSegmentWebhooks(opts: SegmentWebhookOptions): { schedules: WebhookSchedules; stop(): Promise<void> } {
  const conn = createRedisConnection({ url: opts.redisUrl, role: 'admin', name: 'spoor-segment-webhooks' });
  const workerConn = createRedisConnection({ url: opts.redisUrl, role: 'worker', name: 'spoor-segment-webhooks-worker' });
  const book = startScheduleBook<Data>({
    connection: conn,
    workerConnection: workerConn,
    name: `${opts.queue}-segment-webhooks`,
    run: async (d) => {
      const r = await deliverSegmentChanges(opts.warehouse, opts.catalog().get(d.segment), { url: d.url, params: d.params, site: d.site, secret: opts.secret });
      opts.log.info({ segment: d.segment, to: redactUrl(d.url), members: r.members, entered: r.entered, left: r.left }, 'segment webhook delivered');
    },
    onError: (err) => opts.log.warn({ err: err.message }, 'segment webhooks: redis error'),
    onFailed: (id, err) => opts.log.error({ schedule: id, err: err.message }, 'scheduled segment webhook failed; the next run posts the changes again'),
  });
  const view = (id: string, d: Data): WebhookSchedule => ({
    id,
    segment: d.segment,
    destination: redactUrl(d.url),
    every: d.every,
    params: d.params,
    site: d.site,
  });
  const schedules: WebhookSchedules = {
    async list(segment) {
      return (await book.list()).filter((s) => s.data?.segment === segment).map((s) => view(s.id, s.data));
    },
    async add(req: WebhookScheduleRequest) {
      const entry = opts.catalog().get(req.segment);
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        throw new SegmentError('invalid_param', `the webhook is an http:// or https:// URL, not ${JSON.stringify(req.url)}`, 'url');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SegmentError('invalid_param', 'the webhook is an http:// or https:// URL', 'url');
      const everyMs = parseDuration(req.every.trim());
      if (everyMs === undefined || everyMs < MIN_EVERY_MS)
        throw new SegmentError('invalid_param', `every is a duration of at least 1m, such as 15m, 1h or 1d, not ${JSON.stringify(req.every)}`, 'every');
      if (req.site !== undefined && !siteIdSchema.safeParse(req.site).success) throw new SegmentError('invalid_param', 'site is not a site id', 'site');
      resolveParams(entry.definition, req.params);
      const data: Data = { segment: entry.definition.name, url: url.toString(), every: req.every.trim(), params: req.params, site: req.site };
      // One schedule per segment, parameters, site and destination, as a feed is.
      const id = `${data.segment}-${createHash('sha256')
        .update(JSON.stringify([data.segment, Object.entries(data.params).sort(), data.site ?? null, data.url]))
        .digest('hex')
        .slice(0, 16)}`;
      await book.upsert(id, everyMs, data);
      return view(id, data);
    },
    async remove(segment, id) {
      const found = (await book.list()).find((s) => s.id === id && s.data?.segment === segment);
      return found ? book.remove(id) : false;
    },
  };
  return {
    schedules,
    async stop() {
      await book.close();
      conn.disconnect();
      workerConn.disconnect();
    },
  };
}
