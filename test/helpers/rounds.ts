import { parseEnv, type Config } from '../../src/config/index.js';
import type { Store } from '../../src/db/store.js';
import { modelsOf } from '../../src/db/open-store.js';
import { deadlineDepsFromConfig } from '../../src/deadlines/deps.js';
import { createLogger } from '../../src/lib/logger.js';
import type { RoundsDeps } from '../../src/rounds/rounds.service.js';
import { queuedRoundEvents } from '../../src/rounds/round-events.js';
import type { Queues } from '../../queues/registry.js';
import { DEADLINES_QUEUE } from '../../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE } from '../../queues/notifications.queue.js';
import { ROUNDS_QUEUE, RoundsJob } from '../../queues/rounds.queue.js';
import { VERIFICATION_QUEUE } from '../../queues/verification.queue.js';

/**
 * What createRounds / retryRound / createCorrectionRound need, built as src/http/app.ts builds it: the
 * deadline side on the file's queues, round events on its `rounds` queue.
 */
export function roundCreationDeps(store: Store, queues: Queues, config: Config = parseEnv({ LOG_LEVEL: 'silent' })): RoundsDeps {
  return {
    store,
    verificationQueue: queues[VERIFICATION_QUEUE],
    deadlines: deadlineDepsFromConfig(config, {
      store, deadlinesQueue: queues[DEADLINES_QUEUE], notificationsQueue: queues[NOTIFICATIONS_QUEUE], log: createLogger({ level: 'silent' }),
    }),
    events: queuedRoundEvents(queues[ROUNDS_QUEUE]),
    defaultDeadlineMs: config.DEFAULT_DEADLINE_MS,
    flowQueues: [queues[VERIFICATION_QUEUE]],
    stalledAfterMs: config.ROUND_STALLED_MS,
  };
}

/** Settle and reconcile jobs not finished yet on the `rounds` queue (the periodic reconcile-rounds not counted). */
export async function pendingRoundJobs(queues: Queues): Promise<number> {
  const jobs = await queues[ROUNDS_QUEUE].getJobs(['waiting', 'active', 'delayed', 'prioritized']);
  return jobs.filter((j) => j.name !== RoundsJob.reconcileAll).length;
}

/** How many results each record of a round has (every record exactly once is the invariant the tests check). */
export async function resultsPerRecord(store: Store, roundId: string): Promise<Map<string, number>> {
  const rows = await modelsOf(store).VerificationResult.find({ roundId }, { recordId: 1 }).lean();
  const per = new Map<string, number>();
  for (const r of rows) per.set(r.recordId, (per.get(r.recordId) ?? 0) + 1);
  return per;
}
