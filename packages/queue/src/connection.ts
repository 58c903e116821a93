// Redis connections tuned per role: producers fail fast, BullMQ workers wait out outages.
import { Redis, type RedisOptions } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker' | 'admin';

export interface RedisConnectionOptions {
  url: string;
  role: ConnectionRole;
  /** A name shown by `CLIENT LIST`, to tell processes apart. */
  name?: string;
  /**
   * How long one command may wait for its reply, for the roles that bound it (producer 2 s, admin
   * 5 s). A batch queue on the connection allows its adds as long (`addTimeoutMs`'s default).
   */
  commandTimeoutMs?: number;
}

/**
 * Producers refuse commands while disconnected (`enableOfflineQueue: false`) so a request gets a
 * 503 at once instead of waiting on an unbounded in-memory queue; workers must use
 * `maxRetriesPerRequest: null`, as BullMQ requires for its blocking commands.
 */
export function createRedisConnection({ url, role, name, commandTimeoutMs }: RedisConnectionOptions): Redis {
  const common: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    connectTimeout: 2_000,
    // Reconnect forever with a capped delay: outages end, and a process should survive them.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  };
  const byRole: Record<ConnectionRole, RedisOptions> = {
    producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs ?? 2_000 },
    worker: { enableOfflineQueue: true, maxRetriesPerRequest: null },
    admin: { enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs ?? 5_000 },
  };
  return new Redis(url, { ...common, ...byRole[role] });
}
