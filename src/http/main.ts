import { parseEnv } from '../config/index.js';
import { connectDb } from '../db/connect.js';
import { createLogger } from '../lib/logger.js';
import { createShutdown } from '../lib/shutdown.js';
import { createRedis } from '../../queues/connection.js';
import { allQueues, closeQueues } from '../../queues/registry.js';
import { createApp } from './app.js';

/** `npm run api`: the HTTP API, Bull Board and metrics. */
async function main() {
  const config = parseEnv();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vaxverify-api' });
  const shutdown = createShutdown(log, config.SHUTDOWN_TIMEOUT_MS);
  shutdown.install();

  const db = await connectDb(config.MONGO_URL, { poolSize: config.MONGO_POOL_SIZE, statsFile: config.STORE_STATS_FILE });
  const redis = createRedis(config.REDIS_URL, 'producer');
  const queues = allQueues(redis, config.QUEUE_PREFIX);
  const app = createApp({ config, db, queues, redis, log });

  const server = app.listen(config.PORT, config.HOST, () => {
    const addr = server.address();
    log.info({ port: typeof addr === 'object' && addr ? addr.port : config.PORT }, 'api listening');
  });
  shutdown.add('http', () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); }));
  shutdown.add('queues', () => closeQueues(queues));
  shutdown.add('redis', () => redis.quit());
  shutdown.add('mongo', () => db.close());
}

main().catch((err) => {
  createLogger({ name: 'vaxverify-api' }).fatal({ err }, 'api failed to start');
  process.exit(1);
});
