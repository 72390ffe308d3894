import type { Queue } from 'bullmq';
import type { Store } from '../db/store.js';
import { applyRoundTransition, insertRounds, roundKindOf } from '../db/repositories/round-lifecycle.repository.js';
import { ConflictError } from '../lib/errors/index.js';
import { communeCycle } from '../db/repositories/worklist.repository.js';
import { settleRound, type SettleDeps } from './settle.service.js';
import { VerificationJob, verificationJobId, type PlanRoundData } from '../../queues/verification.queue.js';
import { roundId as makeRoundId } from './rounds.service.js';

export interface CorrectionRoundDeps {
  store: Store;
  /** Before a correction round is created: its deadline state (the deadline module's hook). */
  onRoundsCreating?: (rounds: { id: string; deadline: Date }[]) => Promise<void>;
  verificationQueue: Queue;
  defaultDeadlineMs: number;
  now?: () => Date;
}

/** Two officers' uploads may race for the same next seq: the loser takes the one after. */
const SEQ_ATTEMPTS = 5;

/**
 * Enqueue a correction round re-verifying exactly `recordIds` of one commune: Round kind
 * `correction`, seq = the commune's next, planned by the verification queue's plan job (same
 * deterministic job ID), and move the commune's verification round to `correction_round`.
 */
export async function enqueueCorrectionRound(deps: CorrectionRoundDeps, communeCode: string, recordIds: string[]): Promise<string> {
  const now = deps.now?.() ?? new Date();
  const cycle = await communeCycle(deps.store, communeCode);
  const parent = cycle.verification;
  const deadline = parent && parent.deadline > now ? parent.deadline : new Date(now.getTime() + deps.defaultDeadlineMs);
  let seq = Math.max(0, ...cycle.all.filter((r) => r.kind === 'correction').map((r) => r.seq)) + 1;
  let id = '';
  for (let attempt = 0; ; attempt++) {
    id = makeRoundId('correction', communeCode, seq);
    await deps.onRoundsCreating?.([{ id, deadline }]);
    const created = await insertRounds(deps.store, [{
      _id: id, localityCode: communeCode, kind: 'correction', seq, deadline, recordIds: [...new Set(recordIds)].sort(),
    }], now, parent ? `corrections to ${parent._id}` : 'corrections');
    if (created.has(id)) break;
    if (attempt + 1 >= SEQ_ATTEMPTS) throw new ConflictError(`commune ${communeCode}: no free correction round number after ${SEQ_ATTEMPTS} tries; try again`);
    seq++;
  }
  await deps.verificationQueue.add(VerificationJob.plan, { roundId: id, localityCode: communeCode } satisfies PlanRoundData, { jobId: verificationJobId.plan(id) });
  if (parent) {
    await applyRoundTransition(deps.store, parent._id, 'correction_started', { now, cause: `correction round ${id}`, ifAllowed: true });
  }
  return id;
}

/**
 * After a correction round settled: its verification round is settled again (settle.service
 * merges every correction round's newer results into its counters and, once no other correction
 * round runs, moves it on: completed when the completion rule holds, else back to
 * awaiting_corrections). Returns the rounds to run the deadline hooks for. Idempotent.
 */
export async function onCorrectionRoundFinished(deps: SettleDeps, roundId: string): Promise<string[]> {
  const round = await roundKindOf(deps.store, roundId);
  if (!round || round.kind !== 'correction') return [];
  const { verification } = await communeCycle(deps.store, round.localityCode);
  if (!verification) return [roundId];
  await settleRound(deps, verification._id);
  return [roundId, verification._id];
}

/** Wrap the worker's round-finished hook: correction rounds first, then the next hook for each changed round. */
export function withCorrectionRounds(
  deps: SettleDeps,
  next?: (roundId: string, status: string) => Promise<void>,
): (roundId: string, status: string) => Promise<void> {
  return async (roundId, status) => {
    const changed = await onCorrectionRoundFinished(deps, roundId);
    if (!next) return;
    for (const id of changed.length ? changed : [roundId]) await next(id, id === roundId ? status : 'changed');
  };
}
