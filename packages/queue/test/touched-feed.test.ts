// The worker → collectors feed of touched people, over the run's real Redis: what is published
// arrives whole; a message that is not the feed's shape is reported, not passed on; a subscription
// that was cut says so once it is back (what came meanwhile is lost).
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createRedisConnection, publishTouched, subscribeTouched, touchedChannel, type TouchedPeople, type TouchedSubscription } from '@spoor/queue';
import { uniqueName } from '@spoor/testkit/temp';
import { waitFor } from '@spoor/testkit/wait';

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function listen(queueName: string, connectionName?: string) {
  const got: TouchedPeople[] = [];
  const errors: Error[] = [];
  let resets = 0;
  const sub: TouchedSubscription = await subscribeTouched({
    url: inject('redisUrl'),
    queueName,
    onTouched: (t) => got.push(t),
    onReset: () => resets++,
    onError: (err) => errors.push(err),
    ...(connectionName ? { connectionName } : {}),
  });
  open.push(sub);
  return { got, errors, resets: () => resets };
}

function publisher() {
  const redis = createRedisConnection({ url: inject('redisUrl'), role: 'producer' });
  open.push({ close: () => redis.disconnect() });
  return redis;
}

describe('touched feed', () => {
  it('delivers each published site’s visitors and users to every subscriber of the queue, and nothing of other queues', async () => {
    const name = uniqueName('touched');
    const [a, b, other] = [await listen(name), await listen(name), await listen(uniqueName('touched'))];
    const redis = publisher();
    await waitFor(() => redis.status === 'ready', 5_000, 'redis');
    const message = [
      { site: 'shop', visitors: ['v1', 'v2'], users: ['ada'] },
      { site: 'other', visitors: ['v3'], users: [] },
    ];
    await publishTouched(redis, name, message);
    await waitFor(() => a.got.length === 2 && b.got.length === 2, 5_000, 'both subscribers');
    expect(a.got).toEqual(message);
    expect(b.got).toEqual(message);
    expect(other.got).toEqual([]);
  });

  it('reports a message of another shape instead of passing it on', async () => {
    const name = uniqueName('touched');
    const l = await listen(name);
    const redis = publisher();
    await waitFor(() => redis.status === 'ready', 5_000, 'redis');
    await redis.publish(touchedChannel(name), '{"site":"shop"}');
    await redis.publish(touchedChannel(name), 'not json');
    await waitFor(() => l.errors.length === 2, 5_000, 'two errors');
    expect(l.got).toEqual([]);
  });

  it('says a cut subscription is back, so what it kept can be dropped', async () => {
    const name = uniqueName('touched');
    const l = await listen(name, name);
    expect(l.resets()).toBe(0);
    const admin = publisher();
    await waitFor(() => admin.status === 'ready', 5_000, 'redis');
    // Only this test's subscriber: the run's Redis serves other test files' subscriptions too.
    const clients = (await admin.call('CLIENT', 'LIST', 'TYPE', 'PUBSUB')) as string;
    const ids = clients
      .split('\n')
      .filter((line) => line.split(' ').includes(`name=${name}`))
      .map((line) => /^id=(\d+)/.exec(line)?.[1]);
    expect(ids).toHaveLength(1);
    await admin.client('KILL', 'ID', ids[0]!);
    await waitFor(() => l.resets() === 1, 10_000, 'the reset');
    // Subscribed again: messages arrive.
    await waitFor(
      async () => {
        await publishTouched(admin, name, [{ site: 's', visitors: ['v'], users: [] }]);
        return l.got.length > 0;
      },
      10_000,
      'a message after the reset',
    );
  });

  it('publishes nothing for an insert that touched no one, and never rejects', async () => {
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', role: 'producer' }).on('error', () => {});
    open.push({ close: () => redis.disconnect() });
    await expect(publishTouched(redis, 'q', [{ site: 's', visitors: ['v'], users: [] }])).resolves.toBeUndefined();
    await expect(publishTouched(redis, 'q', [])).resolves.toBeUndefined();
  });
});
