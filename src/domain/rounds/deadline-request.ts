import { displayDateTime } from '../i18n/format.js';

/**
 * What a coordinator asks of a round's deadline, and whether it may be done (pure). Three acts,
 * each saying what it does: extend by whole days (or whole hours, for scripts), set the deadline
 * to a moment, or shorten it — a separate act the caller must name (`shorten: true`), never
 * into the past, never past the national deadline. Problems carry a catalogue key so the page
 * shows them in Vietnamese, and an English `reason` for API clients.
 */
export interface DeadlineRequest {
  extendByDays?: number | undefined;
  extendByHours?: number | undefined;
  /** An ISO date-time with offset. */
  deadline?: string | undefined;
  /** Required (true) when `deadline` is earlier than the current one, refused otherwise. */
  shorten?: boolean | undefined;
  reason: string;
}

export type DeadlineAct = 'extend' | 'set' | 'shorten';

/**
 * The nearest deadline set above the one being changed (a lower level never exceeds a higher one):
 * its level and its locality's name, for the error that names it.
 */
export interface HigherDeadline { at: Date; level: 'national' | 'province' | 'district'; name: string }

export interface DeadlineRequestProblem {
  field: 'extendDays' | 'extendHours' | 'deadline' | 'reason';
  key: string;
  params: Record<string, string | number>;
  reason: string;
}

/** At most 30 days either way: a longer move is a campaign decision, made on the campaign's dates. */
export const MAX_EXTEND_DAYS = 30;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const problem = (field: DeadlineRequestProblem['field'], key: string, reason: string, params: Record<string, string | number> = {}): DeadlineRequestProblem => ({ field, key, params, reason });

/**
 * The new deadline and the act it is, or every problem with the request. `current` is null for a
 * level with no deadline of its own yet (only setting one is possible); `higher` is the nearest
 * deadline above (a bare Date: the national one).
 */
export function planDeadlineChange(
  req: DeadlineRequest, current: Date | null, now: Date, higher?: Date | HigherDeadline | null,
): { ok: true; to: Date; act: DeadlineAct } | { ok: false; problems: DeadlineRequestProblem[] } {
  const problems: DeadlineRequestProblem[] = [];
  if (req.reason.trim().length < 3) problems.push(problem('reason', 'err.deadline.reason', 'say why (at least 3 characters)'));
  const given = [req.extendByDays, req.extendByHours, req.deadline].filter((v) => v !== undefined).length;
  if (given !== 1) return { ok: false, problems: [...problems, problem('deadline', 'err.deadline.oneOf', 'give exactly one of extendByDays, extendByHours or deadline')] };

  let to: Date | null = null;
  let act: DeadlineAct = 'extend';
  if (req.extendByDays !== undefined) {
    const d = req.extendByDays;
    if (!current) problems.push(problem('extendDays', 'err.deadline.noCurrent', 'there is no deadline to extend yet: set one'));
    else if (!Number.isInteger(d) || d < 1 || d > MAX_EXTEND_DAYS) {
      problems.push(problem('extendDays', 'err.deadline.days', `extendByDays must be a whole number from 1 to ${MAX_EXTEND_DAYS} (got ${String(d).slice(0, 12)}); to shorten, set the deadline with shorten: true`, { v: String(d).slice(0, 12), max: MAX_EXTEND_DAYS }));
    } else to = new Date(current.getTime() + d * 86_400_000);
  } else if (req.extendByHours !== undefined) {
    const h = req.extendByHours;
    if (!current) problems.push(problem('extendHours', 'err.deadline.noCurrent', 'there is no deadline to extend yet: set one'));
    else if (!Number.isInteger(h) || h < 1 || h > MAX_EXTEND_DAYS * 24) {
      problems.push(problem('extendHours', 'err.deadline.hours', `extendByHours must be a whole number from 1 to ${MAX_EXTEND_DAYS * 24} (got ${String(h).slice(0, 12)})`, { v: String(h).slice(0, 12), max: MAX_EXTEND_DAYS * 24 }));
    } else to = new Date(current.getTime() + h * 3_600_000);
  } else {
    const raw = req.deadline!;
    const at = ISO_WITH_OFFSET.test(raw) ? new Date(raw) : new Date(Number.NaN);
    if (Number.isNaN(at.getTime())) problems.push(problem('deadline', 'err.deadline.invalid', 'deadline is not a date-time with its offset (e.g. 2026-12-10T17:00:00+07:00)'));
    else {
      to = at;
      act = current && at.getTime() < current.getTime() ? 'shorten' : 'set';
      if (current && act === 'shorten' && req.shorten !== true) {
        problems.push(problem('deadline', 'err.deadline.shortenUnconfirmed', `deadline ${at.toISOString()} is earlier than the current ${current.toISOString()}: shortening must be asked for with shorten: true`, { d: displayDateTime(at), current: displayDateTime(current) }));
      }
    }
  }
  if (req.shorten === true && to && (!current || to.getTime() >= current.getTime())) {
    problems.push(problem('deadline', 'err.deadline.notShorter', `shorten: true but ${to.toISOString()} is not earlier than the current deadline`, { d: displayDateTime(to), current: current ? displayDateTime(current) : '—' }));
  }
  const above = higher instanceof Date ? { at: higher, level: 'national' as const, name: '' } : higher ?? null;
  if (to && to.getTime() <= now.getTime()) {
    problems.push(problem('deadline', 'err.deadline.past', `deadline ${to.toISOString()} is not in the future`, { d: displayDateTime(to) }));
  } else if (to && above && to.getTime() > above.at.getTime()) {
    problems.push(above.level === 'national'
      ? problem('deadline', 'err.deadline.afterNational', `deadline ${to.toISOString()} is after the national deadline ${above.at.toISOString()}`, { d: displayDateTime(to), national: displayDateTime(above.at) })
      : problem('deadline', 'err.deadline.afterHigher', `deadline ${to.toISOString()} is after the deadline of ${above.name} (${above.at.toISOString()}): a lower level never exceeds a higher one`, { d: displayDateTime(to), name: above.name, at: displayDateTime(above.at) }));
  }
  return problems.length || !to ? { ok: false, problems } : { ok: true, to, act };
}

/**
 * A deadline moved earlier than deadlines below it would leave them later than it: refused, naming
 * the first such locality and how many there are (they are shortened first, one by one).
 */
export function lowerProblem(to: Date, later: { count: number; first: { at: Date; name: string } | null }): DeadlineRequestProblem | null {
  if (later.count === 0 || !later.first) return null;
  return problem('deadline', 'err.deadline.beforeLower',
    `deadline ${to.toISOString()} is earlier than the deadlines of ${later.count} lower localities, e.g. ${later.first.name} (${later.first.at.toISOString()}): shorten theirs first`,
    { d: displayDateTime(to), n: later.count, name: later.first.name, at: displayDateTime(later.first.at) });
}
