import { escalationChain, type LocalityLevelName } from '../domain/rounds/escalation.js';
import { delayUntil, nowOf, type DeadlineDeps } from './deps.js';
import { earliest, planRoundTimers } from './schedule.js';
import { initNextChecks, roundsWithoutDeadlineState } from '../db/repositories/deadline-state.repository.js';
import { readRounds } from '../db/repositories/rounds.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { WATCHED_STATUSES } from '../domain/rounds/lifecycle.js';

/**
 * The deadline side of a round's creation, called by createRoundDocs (src/rounds, the one way a
 * round comes to exist):
 *   initRoundDeadlines(rounds) → before rounds are created: their deadline state (next check).
 *   scheduleNewRounds(ids)     → after they were created: their timers in bulk (one Redis round
 *                                trip per 1000 rounds). Returns the rounds with something due
 *                                already (a very short deadline): the caller enqueues their
 *                                reconcile-round, never reconciles inline (an HTTP request).
 * A round that changed later is reconciled by the `rounds` queue (reconcileRound). All are
 * idempotent; if a call is lost (crash), the sweeper does the same work later.
 */
// Rounds per addBulk: ~3 timers each keeps one call around 3k jobs.
const BULK = 1000;

export async function scheduleNewRounds(deps: DeadlineDeps, ids: string[]): Promise<{ due: string[] }> {
  const now = nowOf(deps);
  const earliestReminder = Math.max(0, ...deps.policy.reminderOffsetsMs);
  const due: string[] = [];
  for (let i = 0; i < ids.length; i += BULK) {
    const rounds = await readRounds(deps.store, ids.slice(i, i + BULK), ['deadline', 'localityCode']);
    const levels = new Map((await localitiesRepository(deps.store).byCodes([...new Set(rounds.map((r) => r.localityCode))]))
      .map((l) => [l.code, l.level as LocalityLevelName]));
    const timers = [];
    const nextCheck: { id: string; at: Date }[] = [];
    for (const r of rounds) {
      // Something is due already (a very short deadline): the full path (reconcile-round) for this round.
      if (r.deadline.getTime() - earliestReminder <= now.getTime()) {
        due.push(r._id);
        continue;
      }
      const first = escalationChain(levels.get(r.localityCode) ?? 'commune')[0]!;
      const planned = planRoundTimers({ _id: r._id, deadline: r.deadline }, deps.policy, { level: first, dueAt: r.deadline }, now);
      timers.push(...planned);
      nextCheck.push({ id: r._id, at: earliest(planned) ?? r.deadline });
    }
    // New rounds have no timers yet; the deterministic job IDs make a repeated call a no-op.
    await deps.deadlinesQueue.addBulk(timers.map((t) => ({
      name: t.name, data: t.data, opts: { jobId: t.jobId, delay: delayUntil(deps, t.at) },
    })));
    await initNextChecks(deps.store, nextCheck);
  }
  return { due };
}

/**
 * Before rounds are created: their deadline state, due when the first reminder is, so the
 * sweeper watches a round from the moment it exists even if the hook after creation is lost.
 * Idempotent ($setOnInsert); a state whose round was never created is dropped by its reconcile.
 */
export async function initRoundDeadlines(deps: DeadlineDeps, rounds: { id: string; deadline: Date }[]): Promise<void> {
  const earliestReminder = Math.max(0, ...deps.policy.reminderOffsetsMs);
  await initNextChecks(deps.store, rounds.map((r) => ({ id: r.id, at: new Date(r.deadline.getTime() - earliestReminder) })));
}

/**
 * At a deadlines worker's start: give every watched round without deadline state one, due at its
 * first reminder (rounds created before roundDeadlines existed). Idempotent; returns how many.
 */
export async function adoptRounds(deps: DeadlineDeps): Promise<number> {
  const missing = await roundsWithoutDeadlineState(deps.store, WATCHED_STATUSES);
  await initRoundDeadlines(deps, missing);
  return missing.length;
}
