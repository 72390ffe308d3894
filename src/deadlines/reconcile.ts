import type { RoundStatus } from '../domain/rounds/values.js';
import { applyRoundTransition } from '../db/repositories/round-lifecycle.repository.js';
import { evaluateCompletion, type CompletionStatus, type RoundCounters } from '../domain/rounds/completion.js';
import { dueReminder } from '../domain/rounds/deadlines.js';
import {
  dueEscalations, escalationChain, escalationDeadline, escalationTarget, nextEscalation, type LocalityLevelName,
} from '../domain/rounds/escalation.js';
import { canTransition, isFinal, isWatched } from '../domain/rounds/lifecycle.js';
import type { EscalationLevel } from '../domain/rounds/policy.js';
import { escalationMessage, reminderMessage, type PlaceRef } from '../notify/messages.js';
import { nowOf, type DeadlineDeps } from './deps.js';
import { eventKey, notifyEvent } from './notify-event.js';
import { cancelRoundTimers, scheduleRoundTimers, type TimerSpec } from './schedule.js';
import { dropDeadlineState, recordDeadlineState } from '../db/repositories/deadline-state.repository.js';
import { readRoundSummary } from '../db/repositories/rounds.repository.js';
import { recordHeldEscalations } from '../db/repositories/escalation-hold.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { recordedEvents } from '../db/repositories/notifications.repository.js';
import {
  closeRoundEscalations, createEscalation, escalatedLevels, markEscalationNotified, roundEscalations,
} from '../db/repositories/escalations.repository.js';

/**
 * Bring one round's deadline side up to date from MongoDB, idempotently: send the reminder that
 * is due, label it overdue, escalate every level that is due (unique (roundId, level) index),
 * notify escalations not yet notified, close escalations of a finished round, and re-time its
 * delayed jobs. Every timer job and every sweep calls this; running it twice, concurrently or
 * after a crash changes nothing the first run did.
 */
export interface ReconcileResult {
  roundId: string;
  status?: RoundStatus;
  reminded?: number | null;
  escalated: EscalationLevel[];
  closed: number;
  /** Timers that could not be replaced because they were running (see schedule.ts). */
  locked?: TimerSpec[];
}

interface Place extends PlaceRef {
  level: LocalityLevelName | null;
  districtCode: string | null;
  provinceCode: string | null;
}

/** `nextCheckAt` of a round with nothing left to time (chain at the top, no reminder ahead). */
export const NEVER = new Date('9999-12-31T00:00:00Z');

export async function reconcileRound(deps: DeadlineDeps, roundId: string, retried = false): Promise<ReconcileResult> {
  const now = nowOf(deps);
  const round = await readRoundSummary(deps.store, roundId);
  const result: ReconcileResult = { roundId, escalated: [], closed: 0 };
  if (!round) {
    await cancelRoundTimers(deps.deadlinesQueue, roundId, deps.policy);
    await dropDeadlineState(deps.store, roundId);
    return result;
  }
  // The deadline's version: a reconcile that read an older one loses its last write.
  const version = round.deadlineChanges?.length ?? 0;
  const status = (result.status = round.status as RoundStatus);
  // Completion itself is settle's (settle.service); here it only says what is unresolved.
  const completion = evaluateCompletion(round as RoundCounters, deps.policy.completion);
  if (!isWatched(status)) {
    if (isFinal(status)) result.closed = await closeEscalations(deps, roundId, `round ${status}`, now);
    await cancelRoundTimers(deps.deadlinesQueue, roundId, deps.policy);
    await recordDeadlineState(deps.store, roundId, version, { nextCheckAt: null, openEscalations: false });
    return result;
  }

  const loc = await localitiesRepository(deps.store).byCode(round.localityCode);
  const place: Place = {
    code: round.localityCode, name: loc?.name ?? null, level: (loc?.level as LocalityLevelName | undefined) ?? null,
    districtCode: loc?.districtCode ?? null, provinceCode: loc?.provinceCode ?? null,
  };
  const deadline = round.deadline;
  result.reminded = await remindIfDue(deps, roundId, deadline, place, completion, now);

  if (now >= deadline && canTransition(status, 'deadline_missed')) {
    // Conditional on the deadline still being past: a coordinator may have just extended it.
    await applyRoundTransition(deps.store, roundId, 'deadline_missed', {
      now, cause: `deadline ${deadline.toISOString()} passed`, ifAllowed: true, where: { deadline: { $lte: now } },
    });
  }

  const chain = escalationChain(place.level ?? 'commune');
  // REGISTRY_OUTAGE_POLICY=hold: while the round's escalations are held for a register outage, none is created.
  const heldUntil = holdOf(round.escalationHold, now);
  result.escalated = await escalateDue(deps, roundId, deadline, chain, place, completion, now, heldUntil !== undefined);
  const escalations = await notifyPendingEscalations(deps, roundId, place);

  let next = nextEscalation(deadline, chain, escalations.map((e) => ({ level: e.level as EscalationLevel, deadline: e.deadline })));
  // Held: checked again when the hold ends (the outage job re-times it then), or each sweep while the register is down.
  if (next && heldUntil !== undefined) next = { ...next, dueAt: new Date(Math.max(next.dueAt.getTime(), (heldUntil ?? new Date(now.getTime() + deps.policy.sweepEveryMs)).getTime())) };
  const timers = await scheduleRoundTimers(deps.deadlinesQueue, { _id: roundId, deadline }, deps.policy, { next, now, clock: () => nowOf(deps) });
  // Conditional on the deadline version read at the start: if a coordinator changed the deadline
  // meanwhile, its own reconcile stored the newer state and these timers are stale, so run once
  // more with the new deadline.
  const recorded = await recordDeadlineState(deps.store, roundId, version, {
    nextCheckAt: timers.nextAt ?? NEVER, openEscalations: escalations.some((e) => !e.closedAt),
  });
  if (!recorded && !retried) return reconcileRound(deps, roundId, true);
  if (timers.locked.length) result.locked = timers.locked;
  return result;
}

async function remindIfDue(
  deps: DeadlineDeps, roundId: string, deadline: Date, place: Place, completion: CompletionStatus, now: Date,
): Promise<number | null> {
  const offsets = deps.policy.reminderOffsetsMs;
  const events = new Map(offsets.map((o) => [eventKey.reminder(roundId, o, deadline), o]));
  const seen = await recordedEvents(deps.store, roundId, [...events.keys()]);
  const due = dueReminder(deadline, offsets, new Set(seen.map((event) => events.get(event)!)), now);
  if (!due) return null;
  await notifyEvent(deps, {
    event: eventKey.reminder(roundId, due.offsetMs, deadline),
    kind: 'reminder',
    roundId,
    level: null,
    to: { localityCode: place.code, level: (place.level ?? 'commune') as EscalationLevel },
    payload: reminderMessage({ roundId, place, unresolved: completion.unresolved, deadline, offsetMs: due.offsetMs }),
  });
  return due.offsetMs;
}

/**
 * A round's escalation hold (round.escalationHold) in force at `now`: its end (null while the
 * register is down), or undefined when its escalations are not held.
 */
function holdOf(hold: { until?: Date | null } | null | undefined, now: Date): Date | null | undefined {
  if (!hold) return undefined;
  if (!hold.until) return null;
  return hold.until > now ? hold.until : undefined;
}

async function escalateDue(
  deps: DeadlineDeps, roundId: string, deadline: Date, chain: EscalationLevel[], place: Place,
  completion: CompletionStatus, now: Date, held: boolean,
): Promise<EscalationLevel[]> {
  const existing = await escalatedLevels(deps.store, roundId);
  const done = existing.map((e) => ({ level: e.level as EscalationLevel, deadline: e.deadline }));
  const created: EscalationLevel[] = [];
  const due = dueEscalations(deadline, chain, done, now, deps.policy);
  if (held) {
    // Recorded on the round (the levels that came due while held), escalated once the hold ends.
    await recordHeldEscalations(deps.store, roundId, due.map((d) => d.level));
    if (due.length) deps.log.info({ roundId, levels: due.map((d) => d.level) }, 'escalation held: the round waited on a register outage');
    return created;
  }
  for (const d of due) {
    const isNew = await createEscalation(deps.store, {
      roundId, level: d.level, localityCode: place.code, targetCode: escalationTarget(d.level, place),
      provinceCode: place.provinceCode, districtCode: place.districtCode,
      escalatedAt: now, deadline: escalationDeadline(d.level, now, deps.policy), overdueSince: deadline,
      unresolved: completion.unresolved,
    });
    // Another replica escalated this level first: once and only once, by the unique index.
    if (!isNew) break;
    created.push(d.level);
    deps.log.info({ roundId, level: d.level }, 'escalated');
  }
  return created;
}

/** Queue the notifications of every open escalation not yet notified (also after a crash). */
async function notifyPendingEscalations(deps: DeadlineDeps, roundId: string, place: Place) {
  const all = await roundEscalations(deps.store, roundId);
  for (const e of all) {
    if (e.notifiedAt || e.closedAt) continue;
    const level = e.level as EscalationLevel;
    await notifyEvent(deps, {
      event: eventKey.escalation(roundId, level),
      kind: 'escalation',
      roundId,
      level,
      to: { localityCode: e.targetCode ?? null, level },
      payload: escalationMessage({
        roundId, place, level, targetCode: e.targetCode ?? null, unresolved: e.unresolved as never,
        overdueSince: e.overdueSince, escalatedAt: e.escalatedAt, deadline: e.deadline, escalationId: String(e._id),
      }),
    });
    await markEscalationNotified(deps.store, e._id, nowOf(deps));
  }
  return all;
}

export async function closeEscalations(deps: DeadlineDeps, roundId: string, reason: string, now: Date): Promise<number> {
  return closeRoundEscalations(deps.store, roundId, reason, now);
}
