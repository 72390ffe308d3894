import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { DeadlineDeps } from '../deadlines/index.js';
import type { Store } from '../db/store.js';
import type { Logger } from '../lib/logger.js';
import { createAuthorityClient } from './authority.client.js';
import { createAuthorityRegister } from './authority.register.js';
import { createMatcher } from './mirror.matcher.js';
import { enqueueRegisterOutage } from '../../queues/deadlines.queue.js';
import type { RegisterPort } from './register.port.js';
import { createSharedBreaker } from './shared-breaker.js';
import { createSharedQuota } from './shared-quota.js';
import { createTelemetry } from './telemetry.js';

type RegisterConfig = Pick<Config, 'REGISTRY_MODE' | 'REGISTRY_URL' | 'REGISTRY_CLIENT_ID' | 'REGISTRY_CLIENT_SECRET' | 'REGISTRY_QUOTA'
  | 'REGISTRY_SEARCH_QUOTA' | 'REGISTRY_BATCH' | 'REGISTRY_PARALLEL' | 'REGISTRY_TIMEOUT_MS' | 'REGISTRY_BREAKER_FAILURES'
  | 'REGISTRY_PROBE_MS' | 'SNAPSHOT_MAX_PROVINCES' | 'QUEUE_PREFIX'>;

/**
 * The register port the verification worker uses, by REGISTRY_MODE: `mirror` (the snapshot
 * matcher, unchanged) or `authority` (the HTTP service behind the deployment's shared quota and
 * breaker, Redis keys under QUEUE_PREFIX). Also returns the telemetry the chunk path writes.
 */
export function createRegisterPort(
  config: RegisterConfig,
  deps: {
    store: Store; redis: Redis; log: Logger; deadlines: Pick<DeadlineDeps, 'deadlinesQueue'>;
    /** The register is back: wake the chunks delayed on it now, not at the end of their waits (a probe interval, idle quota). */
    wakeWaiting: () => Promise<void>;
  },
): { port: RegisterPort; telemetry: ReturnType<typeof createTelemetry> } {
  const telemetry = createTelemetry(deps.redis, config.QUEUE_PREFIX);
  if (config.REGISTRY_MODE === 'mirror') {
    const matcher = createMatcher(deps.store, deps.log, { maxProvinces: config.SNAPSHOT_MAX_PROVINCES });
    return { port: { version: matcher.version, verify: matcher.match }, telemetry };
  }
  const prefix = config.QUEUE_PREFIX;
  const port = createAuthorityRegister({
    client: createAuthorityClient({ url: config.REGISTRY_URL!, clientId: config.REGISTRY_CLIENT_ID, clientSecret: config.REGISTRY_CLIENT_SECRET!, timeoutMs: config.REGISTRY_TIMEOUT_MS }),
    quota: createSharedQuota(deps.redis, { prefix, quota: config.REGISTRY_QUOTA }),
    searchQuota: createSharedQuota(deps.redis, { prefix: `${prefix}:search`, quota: config.REGISTRY_SEARCH_QUOTA }),
    breaker: createSharedBreaker(deps.redis, { prefix, failures: config.REGISTRY_BREAKER_FAILURES, probeMs: config.REGISTRY_PROBE_MS }),
    telemetry,
    batch: config.REGISTRY_BATCH,
    parallel: config.REGISTRY_PARALLEL,
    // The deadline policy runs as a job (deduplicated by the outage's start), not here: a crash after the close loses nothing.
    onOutageEnded: async (outage) => {
      await enqueueRegisterOutage(deps.deadlines.deadlinesQueue, outage);
      // Best effort: a chunk not woken here wakes at the end of its wait, as before.
      await deps.wakeWaiting().catch((err: unknown) => deps.log.warn({ err }, 'chunks waiting on the register not woken: they wake at the end of their waits'));
    },
    log: deps.log,
  });
  return { port, telemetry };
}
