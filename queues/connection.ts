import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis connection for BullMQ. Workers and QueueEvents block on Redis, so
 * `maxRetriesPerRequest: null` is required; queues in an HTTP process fail fast instead
 * (`enableOfflineQueue: false`) so a request does not hang while Redis is down.
 */
export function createRedis(url: string, role: 'worker' | 'producer' = 'worker', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: role === 'worker',
    ...extra,
  });
}
