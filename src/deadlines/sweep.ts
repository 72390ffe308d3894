import { FINAL_STATUSES, WATCHED_STATUSES } from '../domain/rounds/lifecycle.js';
import { NotificationJob, notificationJobId } from '../../queues/notifications.queue.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';

/**
 * The periodic sweeper: recompute from MongoDB, not from Redis, everything that is due, so a
 * delayed job lost from Redis delays a reminder or an escalation by at most one sweep period.
 *   1. every watched round whose deadline is within the largest reminder offset (reminders,
 *      overdue, escalations, and it re-creates the round's missing delayed jobs);
 *   2. every finished round that still has open escalations (closes them);
 *   3. every notification still pending (re-queued; the job ID makes it a no-op when queued).
 */
export interface SweepResult {
  rounds: number;
  escalated: number;
  closed: number;
  requeued: number;
  errors: number;
}

// Enough for one sweep of a national campaign's overdue communes (~10k) without unbounded reads.
const MAX_ROUNDS_PER_SWEEP = 20_000;
const MAX_REQUEUE_PER_SWEEP = 5_000;

export async function sweepDeadlines(deps: DeadlineDeps): Promise<SweepResult> {
  const { Round, Escalation, Notification } = deps.models;
  const now = nowOf(deps);
  const horizon = new Date(now.getTime() + Math.max(0, ...deps.policy.reminderOffsetsMs));
  const out: SweepResult = { rounds: 0, escalated: 0, closed: 0, requeued: 0, errors: 0 };

  const due = await Round.find({ status: { $in: WATCHED_STATUSES }, deadline: { $lte: horizon } }, { _id: 1 })
    .sort({ deadline: 1 }).limit(MAX_ROUNDS_PER_SWEEP).lean();
  const openRoundIds = await Escalation.distinct('roundId', { closedAt: null });
  const finished = openRoundIds.length
    ? await Round.find({ _id: { $in: openRoundIds }, status: { $in: FINAL_STATUSES } }, { _id: 1 }).lean()
    : [];

  for (const { _id } of [...due, ...finished]) {
    try {
      const r = await reconcileRound(deps, _id);
      out.rounds++;
      out.escalated += r.escalated.length;
      out.closed += r.closed;
    } catch (err) {
      // One bad round must not stop the sweep; the next sweep tries it again.
      out.errors++;
      deps.log.warn({ err, roundId: _id }, 'sweep: reconcile failed');
    }
  }

  const pending = await Notification.find({ status: 'pending' }, { key: 1 }).limit(MAX_REQUEUE_PER_SWEEP).lean();
  if (pending.length) {
    await deps.notificationsQueue.addBulk(pending.map(({ key }) => ({
      name: NotificationJob.deliver,
      data: { key },
      opts: { jobId: notificationJobId(key), attempts: deps.notify.attempts, backoff: { type: 'exponential', delay: deps.notify.backoffMs } },
    })));
    out.requeued = pending.length;
  }
  return out;
}
