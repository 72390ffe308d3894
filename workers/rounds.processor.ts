import { UnrecoverableError, type Job } from 'bullmq';
import type { Store } from '../src/db/store.js';
import type { CompletionRule } from '../src/domain/rounds/completion.js';
import type { DeadlineDeps } from '../src/deadlines/deps.js';
import { reconcileRound } from '../src/deadlines/reconcile.js';
import type { Logger } from '../src/lib/logger.js';
import { settleRound } from '../src/rounds/settle.service.js';
import { verificationRoundOf } from '../src/rounds/correction-round.service.js';
import type { RoundEvents } from '../src/rounds/round-events.js';
import { replanStalledRounds, type ReplanDeps } from '../src/rounds/replan.service.js';
import { RoundsJob, roundJobSchema } from '../queues/rounds.queue.js';

export interface RoundsProcessorDeps {
  store: Store;
  /** Which outcomes settle a record (the campaign's completion rule). */
  completion?: CompletionRule;
  deadlines: DeadlineDeps;
  events: RoundEvents;
  /** The reconcile-rounds job: stalled rounds planned again (replan.service). */
  replan: ReplanDeps;
  log: Logger;
}

function roundOf(job: Job): string {
  const r = roundJobSchema.safeParse(job.data);
  if (!r.success) throw new UnrecoverableError(`bad ${job.name} job data: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data.roundId;
}

/**
 * `rounds` queue: the one writer of a round's status and counters after an act (settle-round),
 * the effects of a round that changed (reconcile-round), and the periodic re-plan of rounds whose
 * jobs Redis forgot (reconcile-rounds). All are idempotent: a re-run recomputes the same
 * settlement from the store, reconciles the same deadline state, re-plans nothing twice.
 */
export function roundsProcessor(deps: RoundsProcessorDeps) {
  return async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case RoundsJob.settle: {
        const roundId = roundOf(job);
        const settled = await settleRound({ store: deps.store, completion: deps.completion }, roundId);
        if (!settled) return { roundId, missing: true };
        await roundEffects(deps, roundId);
        return { roundId, status: settled.status, moved: settled.moved };
      }
      case RoundsJob.reconcile: {
        const roundId = roundOf(job);
        await roundEffects(deps, roundId);
        return { roundId };
      }
      case RoundsJob.reconcileAll: {
        const r = await replanStalledRounds(deps.replan);
        if (r.replanned.length) deps.log.warn({ stalled: r.stalled, replanned: r.replanned }, 'rounds without a job in Redis planned again');
        return r;
      }
      default:
        throw new UnrecoverableError(`unknown rounds job "${job.name}"`);
    }
  };
}

/**
 * What follows a round's change, in one place: a correction round's verification round is
 * settled again (it merges the newer results and moves on once no correction round runs), and
 * the round's deadline side is reconciled (reminders, overdue, escalations, timers).
 */
async function roundEffects(deps: RoundsProcessorDeps, roundId: string): Promise<void> {
  const parent = await verificationRoundOf(deps.store, roundId);
  if (parent) await deps.events.changed(parent);
  await reconcileRound(deps.deadlines, roundId);
}
