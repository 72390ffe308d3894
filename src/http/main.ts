import { parseEnv } from '../config/index.js';
import { connectDb } from '../db/connect.js';
import { createLogger } from '../lib/logger.js';
import { createShutdown } from '../lib/shutdown.js';
import { createRedis, redisOptionsFromConfig } from '../../queues/connection.js';
import { createGroupQueues } from '../../queues/province-groups.queue.js';
import { allQueues, closeQueues, queueList } from '../../queues/registry.js';
import { hostname } from 'node:os';
import { createApp, shedderOf } from './app.js';
import { publishPressure } from './pressure.js';
import { createInternalApp } from './internal-app.js';
import { createApiMetrics } from './metrics.js';
import { registerStateReader } from '../registry/index.js';

/** `npm run api`: the HTTP API, Bull Board and metrics. */
async function main() {
  const config = parseEnv();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vaxverify-api' });
  const shutdown = createShutdown(log, config.SHUTDOWN_TIMEOUT_MS);
  shutdown.install();

  const db = await connectDb(config.MONGO_URL, { poolSize: config.MONGO_POOL_SIZE, statsFile: config.STORE_STATS_FILE });
  // The look-ups' own connections (issue 30): a checker's read never waits behind a page's commands.
  const lookupDb = config.LOOKUP_POOL_SIZE > 0
    ? await connectDb(config.MONGO_URL, { poolSize: config.LOOKUP_POOL_SIZE, autoIndex: false, statsFile: config.STORE_STATS_FILE && `${config.STORE_STATS_FILE}.lookups` })
    : undefined;
  const redis = createRedis(config.REDIS_URL, 'producer', redisOptionsFromConfig(config));
  const queues = allQueues(redis, config.QUEUE_PREFIX);
  // Province groups' queues: their depth is what KEDA scales each group's workers on.
  const groupQueues = createGroupQueues(redis, config.QUEUE_PREFIX, config.PROVINCE_GROUPS);
  // One metrics registry for the public app and the internal listener.
  const metrics = createApiMetrics({ queues: [...queueList(queues), ...groupQueues], store: db.store, stalledAfterMs: config.ROUND_STALLED_MS, register: registerStateReader(redis, config) });
  const app = createApp({ config, db, lookupDb, queues, redis, log, metrics, groupQueues });

  const server = app.listen(config.PORT, config.HOST, () => {
    const addr = server.address();
    log.info({ port: typeof addr === 'object' && addr ? addr.port : config.PORT }, 'api listening');
  });
  shutdown.add('http', () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); }));
  // Workers yield while this process's people wait (issue 30).
  const stopPressure = publishPressure({
    redis, prefix: config.QUEUE_PREFIX, instance: `${hostname()}-${process.pid}`, everyMs: config.PRESSURE_SIGNAL_MS,
    slowMs: config.SHED_TARGET_MS / 2, sample: () => shedderOf(app).sample(), log,
  });
  shutdown.add('pressure', stopPressure);
  if (config.INTERNAL_PORT !== undefined) {
    const internal = createInternalApp({ queues, redis, db, metrics, stalledAfterMs: config.ROUND_STALLED_MS }).listen(config.INTERNAL_PORT, config.HOST, () => {
      const addr = internal.address();
      log.info({ port: typeof addr === 'object' && addr ? addr.port : config.INTERNAL_PORT }, 'internal metrics and readiness listening');
    });
    shutdown.add('internal-http', () => new Promise<void>((resolve) => { internal.close(() => resolve()); internal.closeIdleConnections(); }));
  }
  shutdown.add('queues', async () => { await closeQueues(queues); await Promise.all(groupQueues.map((q) => q.close())); });
  shutdown.add('redis', () => redis.quit());
  shutdown.add('mongo', () => db.close());
  if (lookupDb) shutdown.add('mongo-lookups', () => lookupDb.close());
}

main().catch((err) => {
  createLogger({ name: 'vaxverify-api' }).fatal({ err }, 'api failed to start');
  process.exit(1);
});
