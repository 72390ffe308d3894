import type { FlowProducer, Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../src/config/index.js';
import type { Db } from '../src/db/connect.js';
import type { Logger } from '../src/lib/logger.js';
import type { Queues, QueueName } from '../queues/registry.js';
import { VERIFICATION_QUEUE, deadlineStep } from '../queues/verification.queue.js';
import { verificationProcessor } from './verification.processor.js';
import { createRegisterPort, createTelemetry, outageDeadlinePolicy, registerWaits } from '../src/registry/index.js';
import type { DeadlineDeps } from '../src/deadlines/deps.js';
import { DEADLINES_QUEUE } from '../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE } from '../queues/notifications.queue.js';
import { deadlineDepsFromConfig } from '../src/deadlines/deps.js';
import { adoptRounds } from '../src/deadlines/hooks.js';
import { queuedRoundEvents } from '../src/rounds/round-events.js';
import { ROUNDS_QUEUE, ensureRoundsReconciler } from '../queues/rounds.queue.js';
import { roundsProcessor } from './rounds.processor.js';
import { policyFromConfig } from '../src/domain/rounds/policy.js';
import { ensureDeadlineSweeper } from '../src/deadlines/schedule.js';
import { createLogChannel, createWebhookChannel } from '../src/notify/index.js';
import { deadlinesProcessor, type RegisterOutages } from './deadlines.processor.js';
import { notificationsProcessor } from './notifications.processor.js';
import { IMPORT_QUEUE } from '../queues/import.queue.js';
import { processImport } from './import.processor.js';
import { DASHBOARD_QUEUE, ensureRollupScheduler } from '../queues/dashboard.queue.js';
import { dashboardProcessor } from './dashboard.processor.js';
import { createGroupQueues, verificationQueueFor } from '../queues/province-groups.queue.js';
import { provinceOf } from '../src/db/repositories/registry-snapshot.repository.js';

/** What every processor factory may use; built once per worker process. */
export interface WorkerDeps {
  config: Config;
  db: Db;
  queues: Queues;
  flows: FlowProducer;
  log: Logger;
}

export type Processor = (job: Job, token?: string) => Promise<unknown>;
type ProcessorFactory = (deps: WorkerDeps) => Processor | Promise<Processor>;

/** The deadline side's dependencies, shared by the verification and deadlines processors. */
const deadlineDeps = (d: WorkerDeps) => deadlineDepsFromConfig(d.config, {
  store: d.db.store, deadlinesQueue: d.queues[DEADLINES_QUEUE],
  notificationsQueue: d.queues[NOTIFICATIONS_QUEUE], log: d.log.child({ queue: DEADLINES_QUEUE }),
});

/** Commune → its province group's queue (one locality read per commune, cached: codes never move). */
function groupQueueResolver(d: WorkerDeps): (communeCode: string) => Promise<string> {
  const cache = new Map<string, string>();
  return async (communeCode) => {
    let queue = cache.get(communeCode);
    if (!queue) cache.set(communeCode, (queue = verificationQueueFor(d.config.PROVINCE_GROUPS, await provinceOf(d.db.store, communeCode))));
    return queue;
  };
}

/**
 * Job schedulers live in Redis: register one at start and again whenever the connection comes
 * back (a Redis restarted without persistence, or a failover that lost the last writes, forgot
 * it). The upsert is idempotent, so every worker doing it is one scheduler.
 */
function keepScheduled(queue: Queue, log: Logger, what: string, register: () => Promise<void>): void {
  const run = () => { register().catch((err: unknown) => log.error({ err }, `could not register ${what}`)); };
  run();
  // The workers' queues share one ioredis instance (workers/main.ts): its 'ready' is every reconnect.
  const connection = queue.opts.connection;
  if (connection instanceof Redis) connection.on('ready', run);
}

/** The register's outage policy as the deadlines queue runs it (authority mode; Redis: the queue's connection). */
async function registerOutages(d: WorkerDeps, deps: DeadlineDeps): Promise<RegisterOutages | undefined> {
  if (d.config.REGISTRY_MODE !== 'authority') return undefined;
  const redis = (await d.queues[DEADLINES_QUEUE].getBackend().client) as unknown as Redis;
  const telemetry = createTelemetry(redis, d.config.QUEUE_PREFIX);
  // A deadline moved for a register outage is reconciled by the `rounds` worker (reconcile-round), as every round act.
  const run = outageDeadlinePolicy({ deadlines: { ...deps, events: queuedRoundEvents(d.queues[ROUNDS_QUEUE]) }, telemetry, policy: d.config.REGISTRY_OUTAGE_POLICY, minMs: d.config.REGISTRY_OUTAGE_MIN_MS, log: deps.log });
  return { run, pending: () => telemetry.pendingOutages() };
}

/**
 * A round's place among its province's chunks of one deadline step (a Redis counter per province and
 * step, reserving a round's chunks at once; kept two days past the step). A re-run planner reserves
 * again and adds nothing (its jobs exist): at worst later chunks of that province rank a little lower.
 */
function provinceRanker(d: WorkerDeps, redis: Redis): (communeCode: string, deadline: Date, n: number) => Promise<number> {
  const provinces = new Map<string, string>();
  return async (communeCode, deadline, n) => {
    let province = provinces.get(communeCode);
    if (!province) provinces.set(communeCode, (province = await provinceOf(d.db.store, communeCode)));
    const key = `${d.config.QUEUE_PREFIX}:fair:${province}:${deadlineStep(deadline)}`;
    const [[, end]] = (await redis.multi().incrby(key, n).pexpireat(key, deadline.getTime() + 2 * 86_400_000).exec()) as [[Error | null, number]];
    return end - n;
  };
}

/** Queue name → processor factory. A queue without an entry here has no worker yet. */
export const processors: Partial<Record<QueueName, ProcessorFactory>> = {
  [VERIFICATION_QUEUE]: async (d) => {
    const log = d.log.child({ queue: VERIFICATION_QUEUE });
    // REGISTRY_MODE: the snapshot matcher (mirror) or the register's service (authority).
    // The register's quota, breaker and telemetry live in Redis, on the queues' own connection.
    // BullMQ 6 types its raw client as IRedisClient; it is the ioredis connection the queues were built with.
    const redis = (await d.queues[VERIFICATION_QUEUE].getBackend().client) as unknown as Redis;
    const events = queuedRoundEvents(d.queues[ROUNDS_QUEUE]);
    // The register's return enqueues the outage's job on the deadlines queue (its deadline policy runs there).
    // Every queue a chunk may wait in (province groups on the same connection): promoted when the register is back.
    const chunkQueues = [d.queues[VERIFICATION_QUEUE], ...createGroupQueues(d.queues[VERIFICATION_QUEUE].opts.connection, d.config.QUEUE_PREFIX, d.config.PROVINCE_GROUPS)];
    const register = createRegisterPort(d.config, {
      store: d.db.store, redis, log, deadlines: { deadlinesQueue: d.queues[DEADLINES_QUEUE] },
      wakeWaiting: async () => { await Promise.all(chunkQueues.map((q) => q.promoteJobs())); },
    });
    const { completion } = policyFromConfig(d.config);
    return verificationProcessor({
      store: d.db.store,
      flows: d.flows,
      match: register.port.verify,
      ...(register.port.ready ? { registerReady: register.port.ready } : {}),
      matcherVersion: register.port.version,
      provinceRank: provinceRanker(d, redis),
      // The job's hash only if it still exists (never a stray key for a job removed meanwhile).
      forgiveStalls: async (jobKey) => { await redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'stc', 0) end", 1, jobKey); },
      registerWaits: registerWaits(register.telemetry, { store: d.db.store, policy: d.config.REGISTRY_OUTAGE_POLICY, log }),
      chunkSize: d.config.CHUNK_SIZE,
      // Authority: a batch is one round of calls, so that batches in flight overlap one's calls with the other's search and insert.
      batchSize: d.config.REGISTRY_MODE === 'authority' ? Math.min(d.config.BATCH_SIZE, d.config.REGISTRY_BATCH * d.config.REGISTRY_PARALLEL) : d.config.BATCH_SIZE,
      batchesInFlight: d.config.BATCHES_IN_FLIGHT,
      log,
      completion,
      events,
      ...(d.config.PROVINCE_GROUPS.length > 0 ? { queueFor: groupQueueResolver(d) } : {}),
    });
  },
  [DEADLINES_QUEUE]: async (d) => {
    const deps = deadlineDeps(d);
    // Idempotent upsert: every deadlines worker (re)registers the one sweeper at start and after a reconnect.
    keepScheduled(deps.deadlinesQueue, d.log, 'the deadline sweeper', () => ensureDeadlineSweeper(deps.deadlinesQueue, deps.policy.sweepEveryMs));
    // Rounds from before the deadline state existed are watched from now on (idempotent).
    adoptRounds(deps).then((n) => { if (n) d.log.info({ rounds: n }, 'deadline state created for existing rounds'); })
      .catch((err: unknown) => d.log.error({ err }, 'could not create the deadline state of existing rounds'));
    return deadlinesProcessor(deps, await registerOutages(d, deps));
  },
  [ROUNDS_QUEUE]: (d) => {
    const log = d.log.child({ queue: ROUNDS_QUEUE });
    const verification = d.queues[VERIFICATION_QUEUE];
    keepScheduled(d.queues[ROUNDS_QUEUE], log, 'the rounds reconciler', () => ensureRoundsReconciler(d.queues[ROUNDS_QUEUE], d.config.ROUNDS_RECONCILE_MS));
    return roundsProcessor({
      store: d.db.store,
      completion: policyFromConfig(d.config).completion,
      deadlines: deadlineDeps(d),
      events: queuedRoundEvents(d.queues[ROUNDS_QUEUE]),
      replan: {
        store: d.db.store, verificationQueue: verification, stalledAfterMs: d.config.ROUND_STALLED_MS,
        // Group queues on the same connection (no new one): where a round's settle parent may wait.
        flowQueues: [verification, ...createGroupQueues(verification.opts.connection, d.config.QUEUE_PREFIX, d.config.PROVINCE_GROUPS)],
      },
      log,
    });
  },
  [NOTIFICATIONS_QUEUE]: (d) => notificationsProcessor({
    store: d.db.store,
    log: d.log.child({ queue: NOTIFICATIONS_QUEUE }),
    channels: {
      log: createLogChannel(d.log),
      ...(d.config.WEBHOOK_SECRET
        ? { webhook: createWebhookChannel({ secret: d.config.WEBHOOK_SECRET, timeoutMs: d.config.WEBHOOK_TIMEOUT_MS, allowedHosts: d.config.WEBHOOK_ALLOWED_HOSTS }) }
        : {}),
    },
  }),
  [IMPORT_QUEUE]: (d) => (job) => processImport(job, { store: d.db.store, log: d.log.child({ queue: IMPORT_QUEUE }), uploadDir: d.config.UPLOAD_DIR }),
  [DASHBOARD_QUEUE]: (d) => {
    // Idempotent upsert: every dashboard worker (re)registers the one periodic rollup at start and after a reconnect.
    keepScheduled(d.queues[DASHBOARD_QUEUE], d.log, 'the dashboard rollup', () => ensureRollupScheduler(d.queues[DASHBOARD_QUEUE], d.config.DASHBOARD_ROLLUP_MS));
    return dashboardProcessor({ store: d.db.store, policy: policyFromConfig(d.config), log: d.log.child({ queue: DASHBOARD_QUEUE }) });
  },
};
