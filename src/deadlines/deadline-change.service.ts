import { ConflictError, NotFoundError, ValidationError } from '../lib/errors/index.js';
import { moveRoundDeadline } from '../db/repositories/round-lifecycle.repository.js';
import { readRound } from '../db/repositories/rounds.repository.js';
import { planDeadlineChange, type DeadlineAct, type DeadlineRequest } from '../domain/rounds/deadline-request.js';
import { isFinal } from '../domain/rounds/lifecycle.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import type { RoundEvents } from '../rounds/round-events.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { higherDeadlineOfCommune } from './level-deadline.service.js';

/** A deadline request (src/domain/rounds/deadline-request.ts) and who makes it. */
export type DeadlineChange = Omit<DeadlineRequest, 'deadline'> & {
  /** An absolute deadline (ISO text from the API, a Date from code). */
  deadline?: string | Date | undefined;
  /** Who changed it: the caller's token `sub` (never a name from the request body). */
  by?: string;
};

/** What moving a deadline needs: the store, the clock, and the round's writer to tell. */
export type DeadlineChangeDeps = Pick<DeadlineDeps, 'store' | 'now'> & { events: Pick<RoundEvents, 'deadlineChanged'> };

/**
 * Extend, set or (explicitly) shorten a round's deadline. The write is conditional on the deadline it was computed
 * from (two coordinators at once: one wins, the other gets 409). An overdue round given a future
 * deadline returns to awaiting_corrections in the same write. Its deadline side (timers,
 * reminders, escalations) is not touched here: a deduplicated reconcile-round job is enqueued and
 * the `rounds` worker reconciles it (issue 27: the API never reconciles a round inline).
 */
export async function changeRoundDeadline(deps: DeadlineChangeDeps, roundId: string, change: DeadlineChange) {
  const now = nowOf(deps);
  const round = await readRound(deps.store, roundId, ['status', 'deadline', 'localityCode']);
  if (!round) throw new NotFoundError(`round ${roundId} not found`);
  if (isFinal(round.status as RoundStatus)) throw new ConflictError(`round ${roundId} is ${round.status}; its deadline can no longer change`);
  const deadline = change.deadline instanceof Date ? change.deadline.toISOString() : change.deadline;
  const plan = planDeadlineChange({ ...change, deadline }, round.deadline, now, await higherDeadlineOfCommune(deps.store, round.localityCode));
  if (!plan.ok) throw new ValidationError(plan.problems.map((p) => p.reason).join('; '), { problems: plan.problems });
  const { to, act } = plan;

  if (!(await moveRoundDeadline(deps.store, roundId, { deadline: round.deadline, status: round.status as RoundStatus }, to, change.reason, now, change.by ?? null))) {
    throw new ConflictError(`round ${roundId} changed while its deadline was being set; try again`);
  }
  await deps.events.deadlineChanged(roundId);
  return { id: roundId, localityCode: round.localityCode, previousDeadline: round.deadline, deadline: to, act: act satisfies DeadlineAct };
}
