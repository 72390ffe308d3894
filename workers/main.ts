import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { parseEnv } from '../src/config/index.js';
import { connectDb } from '../src/db/connect.js';
import { createLogger } from '../src/lib/logger.js';
import { createShutdown } from '../src/lib/shutdown.js';
import { createRedis, redisOptionsFromConfig } from '../queues/connection.js';
import { allQueues, closeQueues, QUEUE_NAMES, type QueueName } from '../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../queues/verification.queue.js';
import { verificationQueueNames } from '../queues/province-groups.queue.js';
import { processors } from './processors.js';
import { yieldToPeople } from './yield-to-people.js';
import { createWorkerMetrics } from '../src/metrics/worker-metrics.js';
import { serveMetrics } from '../src/metrics/serve.js';

/** `npm run worker`: serve the queues named in WORKER_QUEUES (default: all with a processor). */
async function main() {
  const config = parseEnv();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vaxverify-worker' });
  const shutdown = createShutdown(log, config.SHUTDOWN_TIMEOUT_MS);
  shutdown.install();

  // A province group's queue (PROVINCE_GROUPS) runs the verification processor; no WORKER_QUEUES = every queue, groups too.
  const groupQueues = verificationQueueNames(config.PROVINCE_GROUPS);
  const wanted = config.WORKER_QUEUES ? config.WORKER_QUEUES.split(',').map((s) => s.trim()) : [...QUEUE_NAMES, ...groupQueues.slice(1)];
  const processorOf = (q: string) => processors[(groupQueues.includes(q) ? VERIFICATION_QUEUE : q) as QueueName];
  const unknown = wanted.filter((q) => !processorOf(q));
  if (unknown.length) throw new Error(`WORKER_QUEUES: no processor for ${unknown.join(', ')} (known: ${[...Object.keys(processors), ...groupQueues.slice(1)].join(', ')})`);

  // The pool caps the worker's concurrent store operations (WORKER_STORE_OPS): batch work queues
  // in the driver instead of crowding the store people's requests share.
  const db = await connectDb(config.MONGO_URL, { poolSize: config.WORKER_STORE_OPS, statsFile: config.STORE_STATS_FILE });
  const connection = createRedis(config.REDIS_URL, 'worker', redisOptionsFromConfig(config));
  const queues = allQueues(connection, config.QUEUE_PREFIX);
  const flows = createFlowProducer(connection, config.QUEUE_PREFIX);
  const deps = { config, db, queues, flows, log };

  const metrics = createWorkerMetrics({ pool: db.pool });
  const workers: Worker[] = [];
  for (const name of wanted) {
    const worker = new Worker(name, await processorOf(name)!(deps), {
      // One shared ioredis for all workers; BullMQ duplicates it for each blocking client.
      connection,
      prefix: config.QUEUE_PREFIX,
      // Shown on Bull Board and stored on each job as processedBy: which replica ran it.
      name: `${hostname()}-${process.pid}`,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_MS,
      // Check for stalled jobs (crashed workers) as often as a lock can expire.
      stalledInterval: config.WORKER_LOCK_MS,
      // Handlers are idempotent: a job re-run after a lost lock (failover, a busy loop) is safe.
      maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    });
    worker.on('failed', (job, err) => log.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, err }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: name, err }, 'worker error'));
    metrics.observe(worker);
    workers.push(worker);
  }
  // Verification yields to people's requests while an API says they wait (issue 30).
  const verifying = workers.filter((_, i) => groupQueues.includes(wanted[i]!));
  if (verifying.length) {
    const stopYield = yieldToPeople({
      redis: connection, prefix: config.QUEUE_PREFIX, workers: verifying, concurrency: config.WORKER_CONCURRENCY,
      underPressure: Math.min(config.WORKER_CONCURRENCY, config.WORKER_CONCURRENCY_UNDER_PRESSURE), everyMs: config.PRESSURE_SIGNAL_MS,
      onChange: metrics.setYielding, log,
    });
    shutdown.add('yield', stopYield);
  }
  if (config.WORKER_METRICS_PORT !== undefined) {
    const server = await serveMetrics(metrics.registry, config.WORKER_METRICS_PORT, config.HOST);
    log.info({ port: server.port }, 'worker metrics listening');
    shutdown.add('metrics', () => server.close());
  }
  log.info({ queues: wanted, concurrency: config.WORKER_CONCURRENCY, storeOps: db.pool.limit, pid: process.pid }, 'worker started');

  // worker.close() waits for active jobs to finish; jobs cut off by the time limit stall
  // and are taken over by another worker after WORKER_LOCK_MS.
  shutdown.add('workers', () => Promise.all(workers.map((w) => w.close())));
  shutdown.add('queues', async () => { await flows.close(); await closeQueues(queues); });
  shutdown.add('redis', () => connection.quit());
  shutdown.add('mongo', () => db.close());
}

main().catch((err) => {
  createLogger({ name: 'vaxverify-worker' }).fatal({ err }, 'worker failed to start');
  process.exit(1);
});
