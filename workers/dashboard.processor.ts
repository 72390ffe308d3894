import type { Job } from 'bullmq';
import type { Models } from '../src/db/models/index.js';
import type { DeadlinePolicy } from '../src/domain/rounds/policy.js';
import type { Logger } from '../src/lib/logger.js';
import { runRollup } from '../src/services/dashboard.service.js';
import type { HashCache } from '../src/db/repositories/dashboard.repository.js';

/** The dashboard queue: the periodic per-locality progress rollup (idempotent: it recomputes everything). */
export function dashboardProcessor(deps: { models: Models; policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>; log: Logger; now?: () => Date }) {
  // This process's last written hashes (see HashCache): a steady-state run reads no rollup documents.
  const cache: HashCache = { computedAt: null, hashes: new Map() };
  return async (job: Job) => {
    const stats = await runRollup(deps.models, deps.policy, deps.now?.() ?? new Date(), cache);
    deps.log.debug({ jobId: job.id, ...stats }, 'dashboard rollup');
    return stats;
  };
}
