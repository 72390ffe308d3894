import { Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis connection for BullMQ. Workers and QueueEvents block on Redis, so
 * `maxRetriesPerRequest: null` is required; queues in an HTTP process fail fast instead
 * (`enableOfflineQueue: false`) so a request does not hang while Redis is down.
 * With `extra.sentinels` the primary is found through Redis Sentinel (see redisOptionsFromConfig);
 * the URL then gives only the password and db.
 */
export function createRedis(url: string, role: 'worker' | 'producer' = 'worker', extra: RedisOptions = {}): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableOfflineQueue: role === 'worker',
    ...extra,
  };
  return options.sentinels?.length ? new SentinelRedis(url, options) : new Redis(url, options);
}

/**
 * A Sentinel client that does not stay closed after a failover. ioredis ends a Sentinel client
 * for good when its connector is disconnected while a connect is in flight: SentinelConnector
 * throws "Connection is closed" and Redis#connect sets the status `end`, with no retry. The
 * failover detector does exactly that when `+switch-master` arrives while the client is
 * reconnecting to the killed primary (ioredis#1683). Seen here: after a failover, the API
 * answered every request 500 "Connection is closed" until restarted
 * (test/integration/sentinel-failover.test.ts).
 *
 * So a client that ends straight from `connecting`, without our disconnect() or quit(), connects
 * again. Quit and disconnect end it through `close`, or set the flag. Its duplicates (BullMQ's
 * blocking connections) are SentinelRedis too.
 */
class SentinelRedis extends Redis {
  private closing = false;
  private lastStatus = '';
  private lastRevival = 0;

  constructor(url: string | RedisOptions, options?: RedisOptions) {
    super(...((typeof url === 'string' ? [url, options ?? {}] : [url]) as [string, RedisOptions]));
    for (const s of ['connecting', 'connect', 'ready', 'close', 'reconnecting'] as const) this.on(s, () => { this.lastStatus = s; });
    this.on('end', () => {
      if (this.closing || this.lastStatus !== 'connecting') return;
      // At once, so that a worker's commands queue up again instead of failing; 200 ms apart if
      // it keeps happening (ioredis's own first reconnect delay).
      const now = Date.now();
      const delay = now - this.lastRevival < 1_000 ? 200 : 0;
      this.lastRevival = now;
      const revive = () => { if (this.status === 'end' && !this.closing) this.connect().catch(() => {}); };
      if (delay) setTimeout(revive, delay).unref(); else revive();
    });
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.closing = true;
    super.disconnect(reconnect);
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new SentinelRedis({ ...this.options, ...override });
  }
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
