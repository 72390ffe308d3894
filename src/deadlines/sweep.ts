import { evaluateCompletion, type RoundCounters } from '../domain/rounds/completion.js';
import { dueReminder } from '../domain/rounds/deadlines.js';
import { dueEscalations, escalationChain, type LocalityLevelName } from '../domain/rounds/escalation.js';
import { FINAL_STATUSES, WATCHED_STATUSES } from '../domain/rounds/lifecycle.js';
import type { EscalationLevel } from '../domain/rounds/policy.js';
import { NotificationJob, notificationJobId } from '../../queues/notifications.queue.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';
import { eventKey } from './notify-event.js';

/**
 * The periodic sweeper: recompute from MongoDB, not from Redis, everything that is due, so a
 * delayed job lost from Redis delays a reminder or an escalation by at most one sweep period.
 *   1. every watched round within the largest reminder offset of its deadline that has something
 *      due now is reconciled (reminder, overdue label, escalation; its timers are re-created);
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
// Rounds checked per batch of look-ups ($in lists stay small).
const BATCH = 1_000;

export async function sweepDeadlines(deps: DeadlineDeps): Promise<SweepResult> {
  const { Round, Escalation, Notification } = deps.models;
  const now = nowOf(deps);
  const horizon = new Date(now.getTime() + Math.max(0, ...deps.policy.reminderOffsetsMs));
  const out: SweepResult = { rounds: 0, escalated: 0, closed: 0, requeued: 0, errors: 0 };

  const near = await Round.find(
    { status: { $in: WATCHED_STATUSES }, deadline: { $lte: horizon } },
    { status: 1, deadline: 1, localityCode: 1, totalRecords: 1, processedRecords: 1, counters: 1, explainedRecords: 1, expectedRecords: 1, finishedAt: 1 },
  ).sort({ deadline: 1 }).limit(MAX_ROUNDS_PER_SWEEP).lean();
  const due = [];
  for (let i = 0; i < near.length; i += BATCH) due.push(...(await dueInBatch(deps, near.slice(i, i + BATCH), now)));
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

type NearRound = RoundCounters & { _id: string; status: string; deadline: Date; localityCode: string; finishedAt?: Date | null };

/**
 * The rounds of a batch that have something to do now (reminder or escalation due, escalation not
 * yet notified, overdue label, completion by accepted explanations), found with three look-ups per
 * batch instead of a full reconciliation per round: a national campaign has thousands of overdue
 * rounds whose chain is already at the top, and those need nothing until they complete.
 */
async function dueInBatch(deps: DeadlineDeps, rounds: NearRound[], now: Date): Promise<{ _id: string }[]> {
  const { Escalation, Notification, Locality } = deps.models;
  const ids = rounds.map((r) => r._id);
  const [escalations, reminders, localities] = await Promise.all([
    Escalation.find({ roundId: { $in: ids } }, { roundId: 1, level: 1, deadline: 1, notifiedAt: 1, closedAt: 1 }).lean(),
    Notification.find({ roundId: { $in: ids }, kind: 'reminder' }, { event: 1 }).lean(),
    Locality.find({ code: { $in: [...new Set(rounds.map((r) => r.localityCode))] } }, { code: 1, level: 1 }).lean(),
  ]);
  const escByRound = new Map<string, typeof escalations>();
  for (const e of escalations) escByRound.set(e.roundId, [...(escByRound.get(e.roundId) ?? []), e]);
  const sentEvents = new Set(reminders.map((n) => n.event));
  const levelOf = new Map(localities.map((l) => [l.code, l.level as LocalityLevelName]));
  return rounds.filter((r) => {
    const esc = escByRound.get(r._id) ?? [];
    if (esc.some((e) => !e.notifiedAt && !e.closedAt)) return true;
    if (now >= r.deadline && r.status === 'awaiting_corrections') return true;
    if ((r.status === 'awaiting_corrections' || r.status === 'overdue') && evaluateCompletion(r, deps.policy.completion).complete) return true;
    const offsets = deps.policy.reminderOffsetsMs;
    const sent = new Set(offsets.filter((o) => sentEvents.has(eventKey.reminder(r._id, o, r.deadline))));
    if (dueReminder(r.deadline, offsets, sent, now)) return true;
    const chain = escalationChain(levelOf.get(r.localityCode) ?? 'commune');
    const done = esc.map((e) => ({ level: e.level as EscalationLevel, deadline: e.deadline }));
    return dueEscalations(r.deadline, chain, done, now, deps.policy).length > 0;
  });
}
