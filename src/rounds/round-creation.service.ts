import type { Queue } from 'bullmq';
import type { Store } from '../db/store.js';
import { insertRounds, type NewRound } from '../db/repositories/round-lifecycle.repository.js';
import { readRounds } from '../db/repositories/rounds.repository.js';
import type { RoundKind } from '../domain/rounds/values.js';
import { initRoundDeadlines, scheduleNewRounds } from '../deadlines/hooks.js';
import type { DeadlineDeps } from '../deadlines/deps.js';
import { VerificationJob, verificationJobId, type PlanRoundData } from '../../queues/verification.queue.js';
import type { RoundEvents } from './round-events.js';

/** What creating a round needs: the store, the planner's queue, the deadline side, the round events. */
export interface RoundCreationDeps {
  store: Store;
  verificationQueue: Queue;
  /** Each new round's deadline state and timers are made here, with the round (issue 27). */
  deadlines: DeadlineDeps;
  events: RoundEvents;
  defaultDeadlineMs: number;
  now?: () => Date;
}

export const roundId = (kind: RoundKind, communeCode: string, seq: number) => `${kind}-${communeCode}-${seq}`;

/**
 * The one way rounds come to exist, verification and correction rounds alike. Idempotent on the
 * rounds' natural `_id`, in this order so that a crash between two steps loses nothing:
 *   1. their deadline state ($setOnInsert): the sweeper watches a round from the moment it exists;
 *   2. the round documents ($setOnInsert, one bulk write);
 *   3. the planner of every round still `scheduled` (deterministic job ID: a repeat adds nothing),
 *      new ones and any whose enqueue was interrupted before;
 *   4. the deadline timers of the rounds this call created (one addBulk per 1,000 rounds); a round
 *      with something due already gets a reconcile-round job instead (its writer, never inline).
 * Returns the rounds as stored (in the order given) and the IDs this call created.
 */
export async function createRoundDocs(deps: RoundCreationDeps, rounds: NewRound[], cause?: string) {
  const now = deps.now?.() ?? new Date();
  await initRoundDeadlines(deps.deadlines, rounds.map((r) => ({ id: r._id, deadline: r.deadline })));
  const created = await insertRounds(deps.store, rounds, now, cause);
  const byId = new Map((await readRounds(deps.store, rounds.map((r) => r._id), ['localityCode', 'status', 'deadline', 'generation'])).map((r) => [r._id, r]));
  const stored = rounds.flatMap((r) => byId.get(r._id) ?? []);
  const toPlan = stored.filter((r) => r.status === 'scheduled');
  if (toPlan.length > 0) {
    // The round's current run (a retried or re-planned round is past 0): never a second planner of another run.
    await deps.verificationQueue.addBulk(toPlan.map((r) => ({
      name: VerificationJob.plan,
      data: { roundId: r._id, localityCode: r.localityCode, generation: r.generation ?? 0 } satisfies PlanRoundData,
      opts: { jobId: verificationJobId.plan(r._id, r.generation ?? 0) },
    })));
  }
  if (created.size > 0) {
    const { due } = await scheduleNewRounds(deps.deadlines, [...created]);
    for (const id of due) await deps.events.deadlineChanged(id);
  }
  return { stored, created };
}
