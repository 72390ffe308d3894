import { Queue, type ConnectionOptions, type DefaultJobOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * A round's life after an act, as jobs with one writer (issue 27):
 *   settle-round {roundId}     settle.service recomputes the round's counters and status (the one
 *                              writer of both), then the round's effects (reconcile-round's work).
 *   reconcile-round {roundId}  the effects of a round that changed: a correction round's
 *                              verification round is settled again, the deadline side reconciled.
 *   reconcile-rounds           periodic (job scheduler): rounds the store says are being verified
 *                              but that Redis forgot are planned again (src/rounds/replan.service.ts).
 * Both per-round jobs are deduplicated by round while waiting or active: an act arriving while the
 * round's job runs leaves exactly one more job behind it (BullMQ `keepLastIfActive`), so a change is
 * never lost and never settled twice at once.
 */
export const ROUNDS_QUEUE = 'rounds';

export const RoundsJob = {
  settle: 'settle-round',
  reconcile: 'reconcile-round',
  reconcileAll: 'reconcile-rounds',
} as const;

/** Job scheduler ID of the stalled-round reconciler: one per queue prefix, however many workers upsert it. */
export const ROUNDS_RECONCILER_ID = 'rounds-reconciler';

const roundId = z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/, 'round id without ":"');
export const roundJobSchema = z.object({ roundId });
export const reconcileAllSchema = z.object({}).passthrough();
export type RoundJobData = z.infer<typeof roundJobSchema>;
export type RoundsJobData = RoundJobData | z.infer<typeof reconcileAllSchema>;

export const roundsJobOptions: DefaultJobOptions = {
  // Settle and reconcile fail only on a transient store or Redis error (or a settle that kept
  // losing its conditional write): retry soon, a few times; the reconciler catches the rest.
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** One waiting and at most one active job per round and kind (BullMQ 6 deduplication). */
export function roundJobOptions(name: typeof RoundsJob.settle | typeof RoundsJob.reconcile, id: string): JobsOptions {
  return { deduplication: { id: `${name}__${id}`, keepLastIfActive: true } };
}

export function createRoundsQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<RoundsJobData>(ROUNDS_QUEUE, { connection, prefix, defaultJobOptions: roundsJobOptions });
}

/** Register (idempotently) the periodic reconcile-rounds job. */
export async function ensureRoundsReconciler(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(ROUNDS_RECONCILER_ID, { every: everyMs }, {
    name: RoundsJob.reconcileAll,
    data: {},
    opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
  });
}
