import { ESCALATION_LEVELS, type DeadlinePolicy, type EscalationLevel } from './policy.js';

/**
 * Escalation rules (pure). When a round misses its deadline the chain climbs from the round's
 * own level: commune → district → province (people's committee chairperson) → ministry.
 * Each level is escalated once, gets its own deadline (policy.levelDeadlineMs, counted from
 * its escalation) and the next level is due when that passes — never before the round's
 * current deadline, so an extension also holds back the rest of the chain.
 */
export const MINISTRY_CODE = 'VN';

export type LocalityLevelName = 'commune' | 'district' | 'province';

/** The levels a round of a locality at `level` escalates through, in order. */
export function escalationChain(level: LocalityLevelName = 'commune'): EscalationLevel[] {
  return ESCALATION_LEVELS.slice(ESCALATION_LEVELS.indexOf(level));
}

export interface LocalityPlace {
  code: string;
  level?: LocalityLevelName | null;
  districtCode?: string | null;
  provinceCode?: string | null;
}

/** The locality code answering at `level` for a round of `place` (ministry: `VN`). */
export function escalationTarget(level: EscalationLevel, place: LocalityPlace): string | null {
  switch (level) {
    case 'ministry': return MINISTRY_CODE;
    case 'province': return place.level === 'province' ? place.code : place.provinceCode ?? null;
    case 'district': return place.level === 'district' ? place.code : place.districtCode ?? null;
    case 'commune': return place.level === 'commune' || !place.level ? place.code : null;
  }
}

export interface EscalationState {
  level: EscalationLevel;
  deadline: Date;
}

export interface NextEscalation {
  level: EscalationLevel;
  dueAt: Date;
}

/** The next level to escalate and when it is due, or null when the chain is exhausted. */
export function nextEscalation(
  roundDeadline: Date,
  chain: readonly EscalationLevel[],
  done: readonly EscalationState[],
): NextEscalation | null {
  const byLevel = new Map(done.map((e) => [e.level, e]));
  let dueAt = roundDeadline.getTime();
  for (const level of chain) {
    const e = byLevel.get(level);
    if (!e) return { level, dueAt: new Date(dueAt) };
    dueAt = Math.max(dueAt, e.deadline.getTime());
  }
  return null;
}

/** Every level due at `now`, in order (several when timers were lost and the sweeper catches up). */
export function dueEscalations(
  roundDeadline: Date,
  chain: readonly EscalationLevel[],
  done: readonly EscalationState[],
  now: Date,
  policy: Pick<DeadlinePolicy, 'levelDeadlineMs'>,
): NextEscalation[] {
  const out: NextEscalation[] = [];
  const state = [...done];
  for (;;) {
    const next = nextEscalation(roundDeadline, chain, state);
    if (!next || next.dueAt.getTime() > now.getTime()) return out;
    out.push(next);
    state.push({ level: next.level, deadline: escalationDeadline(next.level, now, policy) });
  }
}

export function escalationDeadline(level: EscalationLevel, escalatedAt: Date, policy: Pick<DeadlinePolicy, 'levelDeadlineMs'>): Date {
  return new Date(escalatedAt.getTime() + policy.levelDeadlineMs[level]);
}

export type RoundHealth = 'completed' | 'cancelled' | 'on_time' | 'at_risk' | 'overdue';

/** Round statuses in which people, not the matcher, are working through what is left. */
const PEOPLE_AT_WORK = new Set(['awaiting_corrections', 'correction_round', 'overdue']);

/**
 * On time, at risk or overdue (docs/deadlines.md, "Health"). Overdue: past the deadline and not
 * completed. At risk, before the deadline, when either
 *   - the remaining records cannot be done in the time left at the round's pace (records resolved
 *     per hour since it started): a commune that cannot finish at its pace is at risk now, not
 *     when the deadline passes; or
 *   - the deadline is within the window (a day) and completion is under the threshold (80 %).
 * The pace rule applies while people work the round (after the matcher's pass), when the
 * remaining work and the start are known.
 */
export function roundHealth(
  round: { status: string; deadline: Date; ratio: number; resolved?: number; remaining?: number; startedAt?: Date | null },
  now: Date,
  policy: Pick<DeadlinePolicy, 'atRisk'>,
): RoundHealth {
  if (round.status === 'completed') return 'completed';
  if (round.status === 'cancelled') return 'cancelled';
  const left = round.deadline.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  if (left <= policy.atRisk.windowMs && round.ratio < policy.atRisk.completionBelow) return 'at_risk';
  if (!cannotFinishAtPace(round, now, left)) return 'on_time';
  return 'at_risk';
}

function cannotFinishAtPace(round: { status: string; resolved?: number; remaining?: number; startedAt?: Date | null }, now: Date, left: number): boolean {
  const { remaining, resolved, startedAt } = round;
  if (!PEOPLE_AT_WORK.has(round.status) || remaining === undefined || resolved === undefined || !startedAt || remaining <= 0) return false;
  const elapsed = now.getTime() - startedAt.getTime();
  if (elapsed <= 0) return false;
  // Time needed at the pace so far = remaining / (resolved / elapsed); nothing resolved yet = never.
  return resolved <= 0 || (remaining * elapsed) / resolved > left;
}
