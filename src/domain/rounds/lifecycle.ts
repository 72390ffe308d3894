import type { RoundStatus } from './values.js';
import { IllegalTransitionError } from './illegal-transition.error.js';

/**
 * The round lifecycle as an explicit, pure state machine.
 *
 *   scheduled → verifying → awaiting_corrections ⇄ correction_round → completed
 *                                  ↓ deadline_missed        ↑
 *                                overdue ── correction_started / deadline_extended
 *
 * `overdue` is entered only from `awaiting_corrections` (the locality holds the work), never
 * while a worker is verifying: a worker's conditional status update must not lose a race
 * against the clock. Escalations follow the deadline itself, not this label
 * (see escalation.ts), so a round that is still verifying past its deadline escalates too.
 */
export const ROUND_EVENTS = [
  'start', 'verification_done', 'correction_started', 'correction_done', 'all_resolved',
  'deadline_missed', 'deadline_extended', 'fail', 'retry', 'cancel',
] as const;
export type RoundEvent = (typeof ROUND_EVENTS)[number];

const cancel = { cancel: 'cancelled' } as const;

export const ROUND_TRANSITIONS: Readonly<Record<RoundStatus, Partial<Record<RoundEvent, RoundStatus>>>> = {
  scheduled: { start: 'verifying', ...cancel },
  verifying: { verification_done: 'awaiting_corrections', all_resolved: 'completed', fail: 'failed', ...cancel },
  awaiting_corrections: {
    correction_started: 'correction_round', all_resolved: 'completed', deadline_missed: 'overdue', ...cancel,
  },
  correction_round: { correction_done: 'awaiting_corrections', all_resolved: 'completed', fail: 'failed', ...cancel },
  overdue: {
    correction_started: 'correction_round', all_resolved: 'completed', deadline_extended: 'awaiting_corrections', ...cancel,
  },
  failed: { retry: 'scheduled', ...cancel },
  completed: {},
  cancelled: {},
};

/** Statuses after which nothing happens to a round any more: timers stop, escalations close. */
export const FINAL_STATUSES: readonly RoundStatus[] = ['completed', 'cancelled'];
/** Statuses whose deadline is watched (reminders, escalation). `failed` waits for an operator. */
export const WATCHED_STATUSES: readonly RoundStatus[] = [
  'scheduled', 'verifying', 'awaiting_corrections', 'correction_round', 'overdue',
];

export const isFinal = (s: RoundStatus) => FINAL_STATUSES.includes(s);
export const isWatched = (s: RoundStatus) => WATCHED_STATUSES.includes(s);

export interface TransitionRecord {
  from: RoundStatus;
  to: RoundStatus;
  at: Date;
  cause: string;
}

export interface TransitionResult {
  status: RoundStatus;
  record: TransitionRecord;
}

/** Events the status accepts, for error messages and the API. */
export function allowedEvents(status: RoundStatus): RoundEvent[] {
  return Object.keys(ROUND_TRANSITIONS[status] ?? {}) as RoundEvent[];
}

/**
 * Apply `event` to a round in `round.status` at `now`. Returns the new status and the record
 * to append to `transitions`; throws IllegalTransitionError when the status does not accept it.
 * `cause` defaults to the event name; pass a human reason ("deadline extended by coordinator").
 */
export function transition(
  round: { status: RoundStatus },
  event: RoundEvent,
  now: Date,
  cause: string = event,
): TransitionResult {
  const to = ROUND_TRANSITIONS[round.status]?.[event];
  if (!to) throw new IllegalTransitionError(round.status, event, allowedEvents(round.status));
  return { status: to, record: { from: round.status, to, at: now, cause } };
}

export function canTransition(status: RoundStatus, event: RoundEvent): boolean {
  return ROUND_TRANSITIONS[status]?.[event] !== undefined;
}
