import type { DeadlinePolicy } from './policy.js';

/**
 * Deadline rules (pure). A round's deadline is, in order of precedence: set on the round itself,
 * a province override, the campaign's round duration, the policy default — counted from the
 * moment the round is enqueued. A computed deadline never passes the national deadline; an
 * explicit one is validated against it instead.
 */
export interface CampaignDeadlines {
  nationalDeadline?: Date | null;
  /** Round duration for the whole campaign. */
  roundDeadlineMs?: number | null;
  provinces?: ReadonlyArray<{ provinceCode: string; roundDeadlineMs?: number | null; deadline?: Date | null }>;
}

export type DeadlineSource = 'round' | 'province' | 'campaign' | 'default';

export interface ResolveDeadlineInput {
  enqueuedAt: Date;
  policy: Pick<DeadlinePolicy, 'defaultDeadlineMs'>;
  campaign?: CampaignDeadlines | null;
  provinceCode?: string | null;
  /** A deadline given for this round. */
  override?: Date | null;
}

export function resolveRoundDeadline(input: ResolveDeadlineInput): { deadline: Date; source: DeadlineSource } {
  if (input.override) return { deadline: input.override, source: 'round' };
  const start = input.enqueuedAt.getTime();
  const province = input.provinceCode
    ? input.campaign?.provinces?.find((p) => p.provinceCode === input.provinceCode)
    : undefined;
  let at: number;
  let source: DeadlineSource;
  if (province?.deadline) [at, source] = [province.deadline.getTime(), 'province'];
  else if (province?.roundDeadlineMs != null) [at, source] = [start + province.roundDeadlineMs, 'province'];
  else if (input.campaign?.roundDeadlineMs != null) [at, source] = [start + input.campaign.roundDeadlineMs, 'campaign'];
  else [at, source] = [start + input.policy.defaultDeadlineMs, 'default'];
  const national = input.campaign?.nationalDeadline?.getTime();
  if (national !== undefined && at > national) at = national;
  return { deadline: new Date(at), source };
}

/** Why a requested deadline is unacceptable, or null. */
export function deadlineProblem(requested: Date, now: Date, nationalDeadline?: Date | null): string | null {
  if (Number.isNaN(requested.getTime())) return 'deadline is not a valid date';
  if (requested.getTime() <= now.getTime()) return `deadline ${requested.toISOString()} is not in the future`;
  if (nationalDeadline && requested.getTime() > nationalDeadline.getTime()) {
    return `deadline ${requested.toISOString()} is after the national deadline ${nationalDeadline.toISOString()}`;
  }
  return null;
}

export interface ReminderTime {
  offsetMs: number;
  at: Date;
}

/** Every reminder of a deadline, earliest first. */
export function reminderTimes(deadline: Date, offsetsMs: readonly number[]): ReminderTime[] {
  return [...new Set(offsetsMs)]
    .sort((a, b) => b - a)
    .map((offsetMs) => ({ offsetMs, at: new Date(deadline.getTime() - offsetMs) }));
}

/**
 * The reminder to send now, if any: the most urgent one whose time has come, before the deadline,
 * not yet sent. Older reminders overtaken by a more urgent one are skipped, not sent late.
 */
export function dueReminder(
  deadline: Date,
  offsetsMs: readonly number[],
  sent: ReadonlySet<number>,
  now: Date,
): ReminderTime | null {
  if (now.getTime() >= deadline.getTime()) return null;
  const due = reminderTimes(deadline, offsetsMs).filter((r) => r.at.getTime() <= now.getTime());
  const mostUrgent = due[due.length - 1];
  return mostUrgent && !sent.has(mostUrgent.offsetMs) ? mostUrgent : null;
}

/** Reminders still ahead (to be kept as delayed jobs). */
export function pendingReminders(deadline: Date, offsetsMs: readonly number[], now: Date): ReminderTime[] {
  return reminderTimes(deadline, offsetsMs).filter((r) => r.at.getTime() > now.getTime());
}

/** Whole days left until `deadline` (negative when past), rounded up: 0.2 days left is 1. */
export function daysLeft(deadline: Date, now: Date): number {
  return Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000);
}

/** Who moves a round's deadline for a register outage (src/registry's outage policy): its deadline changes name it. */
export const REGISTER_OUTAGE_ACTOR = 'system:registry';

/**
 * What a round's page says of the register's outages (issue 26 part 5): the last deadline move one
 * caused (the deadline before and after, and when), and the round's escalation hold (from when,
 * until when: null while the register is still down). Null when no outage touched the round.
 */
export interface RegisterOutageNote {
  deadlineMoved: { from: Date; to: Date; at: Date } | null;
  escalationsHeld: { since: Date; until: Date | null } | null;
}

export function registerOutageNote(r: {
  deadlineChanges?: ReadonlyArray<{ from?: Date | null; to?: Date | null; at?: Date | null; by?: string | null }> | null;
  escalationHold?: { since?: Date | null; until?: Date | null } | null;
}): RegisterOutageNote | null {
  const moves = (r.deadlineChanges ?? []).filter((c) => c.by === REGISTER_OUTAGE_ACTOR && c.from && c.to && c.at);
  const last = moves[moves.length - 1];
  const hold = r.escalationHold?.since ? { since: r.escalationHold.since, until: r.escalationHold.until ?? null } : null;
  if (!last && !hold) return null;
  return { deadlineMoved: last ? { from: last.from!, to: last.to!, at: last.at! } : null, escalationsHeld: hold };
}
