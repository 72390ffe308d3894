import type { Queue } from 'bullmq';
import type { Store } from '../db/store.js';
import { markReplanned } from '../db/repositories/round-lifecycle.repository.js';
import { stalledRounds, type StalledRound } from '../db/repositories/round-progress.repository.js';
import { roundChunks } from '../db/repositories/verification.repository.js';
import { VerificationJob, verificationJobId, type PlanRoundData } from '../../queues/verification.queue.js';

/**
 * The store is the truth of a round's progress (issue 27, part 4): a round the store says is
 * `scheduled` or `verifying` but whose jobs Redis forgot (a restart without persistence, a
 * failover that lost the last writes) is planned again, idempotently: the planner keeps the
 * round's chunk documents (done chunks are skipped, stored results never inserted twice) and
 * its jobs get the round's next generation of deterministic IDs.
 */
export interface ReplanDeps {
  store: Store;
  /** The planner's queue. */
  verificationQueue: Queue;
  /** Where a round's settle parent may be: the verification queue and the province groups' queues. */
  flowQueues: Queue[];
  /** No progress for this long makes a round stalled (ROUND_STALLED_MS). */
  stalledAfterMs: number;
  now?: () => Date;
}

export const STALLABLE = ['scheduled', 'verifying'] as const;
/**
 * States in which a job will still run. Not `waiting-children`: a settle parent whose chunk jobs
 * Redis lost (a partial loss: the parent's key survived, its children's did not) waits forever.
 */
const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized']);

/** Rounds without progress since the bound (the dashboard and /metrics count them). */
export function findStalledRounds(deps: Pick<ReplanDeps, 'store' | 'stalledAfterMs' | 'now'>, ids?: string[]) {
  const now = deps.now?.() ?? new Date();
  return stalledRounds(deps.store, STALLABLE, new Date(now.getTime() - deps.stalledAfterMs), ids);
}

async function isLive(queue: Queue, id: string): Promise<boolean> {
  const job = await queue.getJob(id);
  return job !== undefined && LIVE.has(await job.getState());
}

/**
 * Whether something in Redis will still move this run of the round: its planner, its settle
 * parent ready to run, or a job for one of its unfinished chunks; then the round is only slow.
 * Only stalled rounds are probed (a few reads per pending chunk, stopping at the first live one).
 */
export async function hasLiveJob(deps: ReplanDeps, r: Pick<StalledRound, '_id' | 'generation'>): Promise<boolean> {
  if (await isLive(deps.verificationQueue, verificationJobId.plan(r._id, r.generation))) return true;
  for (const q of deps.flowQueues) if (await isLive(q, verificationJobId.settle(r._id, r.generation))) return true;
  const pending = (await roundChunks(deps.store, r._id)).filter((c) => c.status === 'pending');
  for (const c of pending) {
    for (const q of deps.flowQueues) if (await isLive(q, verificationJobId.chunk(r._id, c.chunk, r.generation))) return true;
  }
  return false;
}

/**
 * Plan a stalled round again under its next generation: the conditional mark first (one of two
 * racing re-plans wins), then the planner. A crash between the two leaves a round marked but
 * unplanned: still stalled, so the next reconcile plans it. Returns the new generation, or null.
 */
export async function replanRound(deps: ReplanDeps, r: StalledRound, cause: string, by: string | null = null): Promise<number | null> {
  const at = deps.now?.() ?? new Date();
  if (!(await markReplanned(deps.store, r._id, { statuses: STALLABLE, generation: r.generation }, { at, cause, by }))) return null;
  const generation = r.generation + 1;
  await deps.verificationQueue.add(VerificationJob.plan, { roundId: r._id, localityCode: r.localityCode, generation } satisfies PlanRoundData, {
    jobId: verificationJobId.plan(r._id, generation),
  });
  return generation;
}

/** The `reconcile-rounds` job: every stalled round with no live job behind it is planned again. */
export async function replanStalledRounds(deps: ReplanDeps): Promise<{ stalled: number; replanned: string[] }> {
  const stalled = await findStalledRounds(deps);
  const replanned: string[] = [];
  for (const r of stalled) {
    if (await hasLiveJob(deps, r)) continue;
    const cause = `no job in Redis and no progress since ${r.lastProgressAt.toISOString()}`;
    if ((await replanRound(deps, r, cause)) !== null) replanned.push(r._id);
  }
  return { stalled: stalled.length, replanned };
}
