import { FINAL_STATUSES, WATCHED_STATUSES } from '../domain/rounds/lifecycle.js';
import { NotificationJob, notificationJobId } from '../../queues/notifications.queue.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';

/**
 * The periodic sweeper: recompute from MongoDB, not from Redis, everything that is due, so a
 * delayed job lost from Redis delays a reminder or an escalation by at most one sweep period.
 *   1. every watched round whose `nextCheckAt` has come (reconcileRound keeps it at the time of
 *      the round's next reminder or escalation), and new rounds without one near their deadline;
 *   2. every finished round still flagged with open escalations (closes them);
 *   3. every notification still pending (re-queued; the job ID makes it a no-op when queued).
 * Both round queries are served by indexes, so a sweep costs what is due, not the campaign size.
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
  const { Round, Notification } = deps.models;
  const now = nowOf(deps);
  const horizon = new Date(now.getTime() + Math.max(0, ...deps.policy.reminderOffsetsMs));
  const out: SweepResult = { rounds: 0, escalated: 0, closed: 0, requeued: 0, errors: 0 };

  // One $or query, each branch served by its own index ({ status, nextCheckAt },
  // { status, deadline }, { openEscalations, status }).
  const rounds = await Round.find({
    $or: [
      { status: { $in: WATCHED_STATUSES }, nextCheckAt: { $lte: now } },
      { status: { $in: WATCHED_STATUSES }, nextCheckAt: null, deadline: { $lte: horizon } },
      { openEscalations: true, status: { $in: FINAL_STATUSES } },
    ],
  }, { _id: 1 }).limit(MAX_ROUNDS_PER_SWEEP).lean();

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
