/**
 * Scheduling API for round deadline timers (delayed jobs on the `deadlines` queue).
 *
 *   scheduleRoundTimers(queue, round, policy, { next, now, clock })
 *       Make the round's timers match its deadline: one `remind__<roundId>__<offsetMs>` per
 *       reminder still ahead and one `deadline__<roundId>__<level>` for the next escalation
 *       check (BullMQ delays measured on `clock`, default the system clock). Jobs whose time
 *       changed are removed and re-added; the rest are removed. Call it whenever the deadline
 *       changes (reconcileRound does, and changeRoundDeadline calls that).
 *   cancelRoundTimers(queue, roundId, policy)
 *       Remove every pending timer of the round (completed or cancelled).
 *   ensureDeadlineSweeper(queue, everyMs)
 *       Upsert the periodic sweeper (BullMQ job scheduler); idempotent, call at every start.
 *
 * Round creation (createRoundDocs → scheduleNewRounds, hooks.ts) and the `rounds` queue's
 * reconcile-round (→ reconcileRound) call these; nothing else needs them directly.
 * A timer that cannot be replaced because it is running (locked) is returned in `locked`: when
 * it is the running job itself, the processor re-times it (updateData + moveToDelayed); any
 * other case is covered by the sweeper through the round's `nextCheckAt`.
 */
import type { Queue } from 'bullmq';
import { ESCALATION_LEVELS, type DeadlinePolicy } from '../domain/rounds/policy.js';
import { pendingReminders } from '../domain/rounds/deadlines.js';
import type { NextEscalation } from '../domain/rounds/escalation.js';
import { delayUntil } from './deps.js';
import {
  DEADLINE_SWEEPER_ID, DeadlineJob, deadlineJobId, type DeadlineJobData, type RemindJobData,
} from '../../queues/deadlines.queue.js';

export interface TimerSpec {
  jobId: string;
  name: string;
  data: RemindJobData | DeadlineJobData;
  at: Date;
}

/** The timers a round should have at `now` (pure). */
export function planRoundTimers(
  round: { _id: string; deadline: Date },
  policy: Pick<DeadlinePolicy, 'reminderOffsetsMs'>,
  next: NextEscalation | null,
  now: Date,
): TimerSpec[] {
  const timers: TimerSpec[] = pendingReminders(round.deadline, policy.reminderOffsetsMs, now).map((r) => ({
    jobId: deadlineJobId.remind(round._id, r.offsetMs),
    name: DeadlineJob.remind,
    data: { roundId: round._id, offsetMs: r.offsetMs, deadline: round.deadline.toISOString() },
    at: r.at,
  }));
  if (next) {
    timers.push({
      jobId: deadlineJobId.deadline(round._id, next.level),
      name: DeadlineJob.deadline,
      data: { roundId: round._id, level: next.level, dueAt: next.dueAt.toISOString() },
      at: next.dueAt,
    });
  }
  return timers;
}

/** When the first of these timers is due, or null. */
export function earliest(timers: TimerSpec[]): Date | null {
  return timers.reduce<Date | null>((min, t) => (!min || t.at < min ? t.at : min), null);
}

/** Every timer ID a round can have under this policy. */
function allTimerIds(roundId: string, policy: Pick<DeadlinePolicy, 'reminderOffsetsMs'>): string[] {
  return [
    ...policy.reminderOffsetsMs.map((o) => deadlineJobId.remind(roundId, o)),
    ...ESCALATION_LEVELS.map((l) => deadlineJobId.deadline(roundId, l)),
  ];
}

const LIVE_STATES = new Set(['delayed', 'waiting', 'active', 'prioritized', 'waiting-children']);

/** Add one timer, replacing a job with the same ID whose time or data differ. */
async function ensureTimer(queue: Queue, spec: TimerSpec, clock: () => Date): Promise<'kept' | 'added' | 'locked'> {
  const existing = await queue.getJob(spec.jobId);
  if (existing) {
    const same = JSON.stringify(existing.data) === JSON.stringify(spec.data);
    if (same && LIVE_STATES.has(await existing.getState())) return 'kept';
    if ((await queue.remove(spec.jobId)) === 0 && (await queue.getJob(spec.jobId))) return 'locked';
  }
  await queue.add(spec.name, spec.data, { jobId: spec.jobId, delay: delayUntil({ now: clock }, spec.at) });
  return 'added';
}

export async function scheduleRoundTimers(
  queue: Queue,
  round: { _id: string; deadline: Date },
  policy: Pick<DeadlinePolicy, 'reminderOffsetsMs'>,
  opts: { next: NextEscalation | null; now?: Date; clock?: () => Date },
): Promise<{ added: string[]; kept: string[]; locked: TimerSpec[]; nextAt: Date | null }> {
  const clock = opts.clock ?? (() => new Date());
  const wanted = planRoundTimers(round, policy, opts.next, opts.now ?? clock());
  const wantedIds = new Set(wanted.map((t) => t.jobId));
  const out = { added: [] as string[], kept: [] as string[], locked: [] as TimerSpec[], nextAt: earliest(wanted) };
  for (const id of allTimerIds(round._id, policy)) {
    if (!wantedIds.has(id)) await queue.remove(id);
  }
  for (const spec of wanted) {
    const r = await ensureTimer(queue, spec, clock);
    if (r === 'locked') out.locked.push(spec);
    else out[r].push(spec.jobId);
  }
  return out;
}

export async function cancelRoundTimers(queue: Queue, roundId: string, policy: Pick<DeadlinePolicy, 'reminderOffsetsMs'>): Promise<void> {
  for (const id of allTimerIds(roundId, policy)) await queue.remove(id);
}

export async function ensureDeadlineSweeper(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(DEADLINE_SWEEPER_ID, { every: everyMs }, {
    name: DeadlineJob.sweep,
    data: {},
    opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
  });
}
