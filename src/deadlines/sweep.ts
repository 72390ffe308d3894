import { isFinal } from '../domain/rounds/lifecycle.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import { dueChecks, roundStatuses, withOpenEscalations } from '../db/repositories/deadline-state.repository.js';
import { pendingNotificationKeys } from '../db/repositories/notifications.repository.js';
import { NotificationJob, notificationJobId } from '../../queues/notifications.queue.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';

/**
 * The periodic sweeper: recompute from MongoDB, not from Redis, everything that is due, so a
 * delayed job lost from Redis delays a reminder or an escalation by at most one sweep period.
 *   1. every round whose next check has come (its deadline state, roundDeadlines: created before
 *      the round, due at its first reminder; reconcileRound keeps it at the round's next reminder
 *      or escalation, null once the round is no longer watched);
 *   2. every finished round still flagged with open escalations (closes them);
 *   3. every notification still pending (re-queued; the job ID makes it a no-op when queued).
 * Every query is served by an index, so a sweep costs what is due, not the campaign size.
 */
export interface SweepResult {
  rounds: number;
  escalated: number;
  closed: number;
  requeued: number;
  errors: number;
}

// Bounds one sweep's work; anything beyond is taken by the next sweep.
const MAX_ROUNDS_PER_SWEEP = 5_000;
const MAX_REQUEUE_PER_SWEEP = 5_000;

export async function sweepDeadlines(deps: DeadlineDeps): Promise<SweepResult> {
  const now = nowOf(deps);
  const out: SweepResult = { rounds: 0, escalated: 0, closed: 0, requeued: 0, errors: 0 };

  const due = await dueChecks(deps.store, now, MAX_ROUNDS_PER_SWEEP);
  // Open escalations of rounds that finished without their hook (their statuses in one read).
  const open = await withOpenEscalations(deps.store, MAX_ROUNDS_PER_SWEEP);
  const dueSet = new Set(due);
  const statuses = await roundStatuses(deps.store, open.filter((id) => !dueSet.has(id)));
  const finished = [...statuses].filter(([, s]) => isFinal(s as RoundStatus)).map(([id]) => id);
  const rounds = [...due, ...finished].map((_id) => ({ _id }));

  for (const { _id } of rounds) {
    try {
      const r = await reconcileRound(deps, _id);
      out.rounds++;
      out.escalated += r.escalated.length;
      out.closed += r.closed;
    } catch (err) {
      // One bad round must not stop the sweep; its nextCheckAt stays due, so the next sweep retries.
      out.errors++;
      deps.log.warn({ err, roundId: _id }, 'sweep: reconcile failed');
    }
  }

  const pending = await pendingNotificationKeys(deps.store, MAX_REQUEUE_PER_SWEEP);
  if (pending.length) {
    await deps.notificationsQueue.addBulk(pending.map((key) => ({
      name: NotificationJob.deliver,
      data: { key },
      opts: { jobId: notificationJobId(key), attempts: deps.notify.attempts, backoff: { type: 'exponential', delay: deps.notify.backoffMs } },
    })));
    out.requeued = pending.length;
  }
  return out;
}
