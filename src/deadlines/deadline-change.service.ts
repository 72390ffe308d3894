import { ConflictError, NotFoundError, ValidationError } from '../lib/errors/index.js';
import { moveRoundDeadline } from '../db/repositories/round-lifecycle.repository.js';
import { readRound } from '../db/repositories/rounds.repository.js';
import { readNationalDeadline } from '../db/repositories/campaign.repository.js';
import { deadlineProblem } from '../domain/rounds/deadlines.js';
import { isFinal } from '../domain/rounds/lifecycle.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';

export interface DeadlineChange {
  /** New absolute deadline, or… */
  deadline?: Date;
  /** …a shift of the current one (negative shortens). */
  shiftMs?: number;
  /** Why, and on whose authority (kept on the round; no personal data). */
  reason: string;
  /** Who changed it: the caller's token `sub` (never a name from the request body). */
  by?: string;
}

/**
 * Extend or shorten a round's deadline. The write is conditional on the deadline it was computed
 * from (two coordinators at once: one wins, the other gets 409). An overdue round given a future
 * deadline returns to awaiting_corrections in the same write. Its timers are then re-timed by
 * reconcileRound.
 */
export async function changeRoundDeadline(deps: DeadlineDeps, roundId: string, change: DeadlineChange) {
  const now = nowOf(deps);
  const round = await readRound(deps.store, roundId, ['status', 'deadline', 'localityCode']);
  if (!round) throw new NotFoundError(`round ${roundId} not found`);
  if (isFinal(round.status as RoundStatus)) throw new ConflictError(`round ${roundId} is ${round.status}; its deadline can no longer change`);
  const to = change.deadline ?? new Date(round.deadline.getTime() + (change.shiftMs ?? 0));
  const problem = deadlineProblem(to, now, await readNationalDeadline(deps.store));
  if (problem) throw new ValidationError(problem, { deadline: to, current: round.deadline });

  if (!(await moveRoundDeadline(deps.store, roundId, { deadline: round.deadline, status: round.status as RoundStatus }, to, change.reason, now, change.by ?? null))) {
    throw new ConflictError(`round ${roundId} changed while its deadline was being set; try again`);
  }
  await reconcileRound(deps, roundId);
  return { id: roundId, localityCode: round.localityCode, previousDeadline: round.deadline, deadline: to };
}
