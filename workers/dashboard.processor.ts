import type { Job } from 'bullmq';
import type { Store } from '../src/db/store.js';
import type { DeadlinePolicy } from '../src/domain/rounds/policy.js';
import type { Logger } from '../src/lib/logger.js';
import { newRollupState, runRollup } from '../src/dashboard/dashboard.service.js';

/**
 * The dashboard queue: the periodic per-locality progress rollup (idempotent: the documents are
 * a function of the rounds). The process keeps the rounds it read and reads only those changed
 * since its last run (see RollupState); a full read every few minutes and after another process ran it.
 */
export function dashboardProcessor(deps: { store: Store; policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>; log: Logger; now?: () => Date }) {
  // This process's inputs and last written hashes: a steady-state run reads only what changed.
  const state = newRollupState();
  return async (job: Job) => {
    const stats = await runRollup(deps.store, deps.policy, deps.now?.() ?? new Date(), undefined, state);
    deps.log.debug({ jobId: job.id, ...stats }, 'dashboard rollup');
    return stats;
  };
}
