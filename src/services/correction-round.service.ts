import type { Queue } from 'bullmq';
import type { Models } from '../db/models/index.js';
import { applyRoundTransition } from '../db/repositories/round-lifecycle.repository.js';
import { countOutcomes, roundOutcomes } from '../db/repositories/verification.repository.js';
import { countExplained } from '../db/repositories/corrections.repository.js';
import { communeCycle, correctionOverrides } from '../db/repositories/worklist.repository.js';
import { evaluateCompletion, type CompletionRule } from '../domain/rounds/completion.js';
import { isFinal } from '../domain/rounds/lifecycle.js';
import type { Outcome } from '../domain/records.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import { VerificationJob, verificationJobId, type PlanRoundData } from '../../queues/verification.queue.js';
import { roundId as makeRoundId } from './rounds.service.js';

export interface CorrectionRoundDeps {
  models: Models;
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
  const cycle = await communeCycle(deps.models, communeCode);
  const parent = cycle.verification;
  const deadline = parent && parent.deadline > now ? parent.deadline : new Date(now.getTime() + deps.defaultDeadlineMs);
  let seq = Math.max(0, ...cycle.all.filter((r) => r.kind === 'correction').map((r) => r.seq)) + 1;
  let id = '';
  for (let attempt = 0; ; attempt++) {
    id = makeRoundId('correction', communeCode, seq);
    try {
      await deps.models.Round.create({
        _id: id, localityCode: communeCode, kind: 'correction', seq, status: 'scheduled', deadline,
        recordIds: [...new Set(recordIds)].sort(),
        transitions: [{ from: null, to: 'scheduled', at: now, cause: parent ? `corrections to ${parent._id}` : 'corrections' }],
      });
      break;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000 || attempt + 1 >= SEQ_ATTEMPTS) throw err;
      seq++;
    }
  }
  await deps.verificationQueue.add(VerificationJob.plan, { roundId: id, localityCode: communeCode } satisfies PlanRoundData, { jobId: verificationJobId.plan(id) });
  if (parent) {
    await applyRoundTransition(deps.models.Round, parent._id, 'correction_started', { now, cause: `correction round ${id}`, ifAllowed: true });
  }
  return id;
}

/**
 * The verification round's counters as they stand: its own results with every correction
 * round's newer result over them, and the accepted explanations.
 */
export async function mergedCounters(models: Models, verificationRoundId: string, cycle: Awaited<ReturnType<typeof communeCycle>>) {
  const { counters, total } = await countOutcomes(models, verificationRoundId);
  const overrides = await correctionOverrides(models, cycle);
  const base = await roundOutcomes(models, verificationRoundId, [...overrides.keys()]);
  [...overrides.values()].forEach((r) => {
    const was = base.get(r.recordId);
    if (!was) return;
    counters[was]--;
    counters[r.outcome]++;
  });
  return { counters, total, explainedRecords: await countExplained(models, verificationRoundId) };
}

/**
 * After a correction round's finaliser: the correction round is done (its open records stay on
 * the verification round), the verification round's counters are recomputed, and, once no other
 * correction round is running, it moves on: `all_resolved` when the completion rule holds,
 * else `correction_done` (back to awaiting_corrections). Returns the rounds whose status changed
 * for the deadline hooks. Idempotent: counters are recomputed, transitions are conditional.
 */
export async function onCorrectionRoundFinished(models: Models, rule: CompletionRule, roundId: string): Promise<string[]> {
  const round = await models.Round.findById(roundId, { kind: 1, localityCode: 1, status: 1 }).lean();
  if (!round || round.kind !== 'correction') return [];
  if (round.status === 'awaiting_corrections') {
    await applyRoundTransition(models.Round, roundId, 'all_resolved', { cause: 're-verification done; open records stay on the verification round', ifAllowed: true, set: { finishedAt: new Date() } });
  }
  const cycle = await communeCycle(models, round.localityCode);
  const parent = cycle.verification;
  if (!parent) return [roundId];
  const merged = await mergedCounters(models, parent._id, cycle);
  await models.Round.updateOne({ _id: parent._id }, { $set: { counters: merged.counters, explainedRecords: merged.explainedRecords } });
  const running = cycle.corrections.some((r) => r._id !== roundId && !isFinal(r.status as RoundStatus) && r.status !== 'failed');
  if (running) return [roundId];
  const full = await models.Round.findById(parent._id, { totalRecords: 1, processedRecords: 1, expectedRecords: 1 }).lean();
  const done = evaluateCompletion({ ...full, counters: merged.counters, explainedRecords: merged.explainedRecords, finished: true }, rule);
  await applyRoundTransition(models.Round, parent._id, done.complete ? 'all_resolved' : 'correction_done', {
    cause: `correction round ${roundId} finished`, ifAllowed: true, ...(done.complete ? { set: { finishedAt: new Date() } } : {}),
  });
  return [roundId, parent._id];
}

/** Wrap the worker's round-finished hook: correction rounds first, then the next hook for each changed round. */
export function withCorrectionRounds(
  models: Models,
  rule: CompletionRule,
  next?: (roundId: string, status: string) => Promise<void>,
): (roundId: string, status: string) => Promise<void> {
  return async (roundId, status) => {
    const changed = await onCorrectionRoundFinished(models, rule, roundId);
    if (!next) return;
    for (const id of changed.length ? changed : [roundId]) await next(id, id === roundId ? status : 'changed');
  };
}
