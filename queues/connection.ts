import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis connection for BullMQ. Workers and QueueEvents block on Redis, so
 * `maxRetriesPerRequest: null` is required; queues in an HTTP process fail fast instead
 * (`enableOfflineQueue: false`) so a request does not hang while Redis is down.
 * With `extra.sentinels` the primary is found through Redis Sentinel (see redisOptionsFromConfig);
 * the URL then gives only the password and db.
 */
export function createRedis(url: string, role: 'worker' | 'producer' = 'worker', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: role === 'worker',
    ...extra,
  });
}

export interface RedisSettings {
  REDIS_SENTINELS: readonly { host: string; port: number }[];
  REDIS_SENTINEL_NAME: string;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
}

/**
 * Sentinel options from the config (REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD);
 * none when no sentinel is configured. After a failover ioredis asks the sentinels for the new
 * primary and reconnects; `failoverDetector` makes it listen to the sentinels' `+switch-master`
 * instead of waiting for its socket to the old primary to break. A replica promoted under it
 * answers READONLY until then: reconnect on that error so BullMQ's scripts go to the primary.
 */
export function redisOptionsFromConfig(config: RedisSettings): RedisOptions {
  if (config.REDIS_SENTINELS.length === 0) return {};
  return {
    sentinels: config.REDIS_SENTINELS.map((s) => ({ ...s })),
    name: config.REDIS_SENTINEL_NAME,
    ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
    failoverDetector: true,
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
}
