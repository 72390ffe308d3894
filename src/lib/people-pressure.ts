import type { Redis } from 'ioredis';

/**
 * "People are waiting": the signal from API processes to workers (issue 30). Each API process
 * that sees its people's requests slow down or queue puts itself in one sorted set, scored by
 * when its claim expires; workers count the unexpired members. A process that crashes stops
 * renewing and its claim lapses by itself; one that recovers removes it at once.
 */
const key = (prefix: string) => `${prefix}:people-pressure`;

export async function claimPressure(redis: Redis, prefix: string, instance: string, pressed: boolean, ttlMs: number, now = Date.now()): Promise<void> {
  const k = key(prefix);
  if (pressed) await redis.multi().zadd(k, now + ttlMs, instance).zremrangebyscore(k, '-inf', now).pexpire(k, ttlMs * 10).exec();
  else await redis.zrem(k, instance);
}

/** How many API processes say their people are waiting now. */
export async function pressingApis(redis: Redis, prefix: string, now = Date.now()): Promise<number> {
  return redis.zcount(key(prefix), now, '+inf');
}
