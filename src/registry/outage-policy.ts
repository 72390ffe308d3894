import type { Principal } from '../auth/principal.js';
import { REGISTER_OUTAGE_ACTOR } from '../domain/rounds/deadlines.js';
import { auditAct } from '../audit/audit.service.js';
import { changeRoundDeadline, reconcileRound, type DeadlineChangeDeps, type DeadlineDeps } from '../deadlines/index.js';

/** The deadline module as the deadlines worker holds it, with the round's writer to tell of a moved deadline. */
type OutageDeadlineDeps = DeadlineDeps & DeadlineChangeDeps;
import type { Logger } from '../lib/logger.js';
import { readRound } from '../db/repositories/rounds.repository.js';
import { endRoundEscalationHold, holdRoundEscalations } from '../db/repositories/escalation-hold.repository.js';
import type { Store } from '../db/store.js';
import type { Telemetry } from './telemetry.js';

/** Who moved a deadline for a register outage, in the audit and on the round. */
const SYSTEM: Principal = { sub: REGISTER_OUTAGE_ACTOR, name: 'Hệ thống (CSDL quốc gia về dân cư)', roles: [], localities: [], kind: 'service' };

const hhmm = (t: number) => new Date(t).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

/**
 * Deadlines fair to communes (REGISTRY_OUTAGE_POLICY=extend, or `hold`: see endHold): when the register comes back, every
 * round whose chunks waited on it while it was down gets its deadline moved by the time it waited
 * (from the outage's start, or from when the round first waited if later). The move goes through
 * the deadline module (recorded on the round's deadlineChanges, its timers re-planned by the
 * reconcile-round job it enqueues) and is
 * audited as a `round.deadline` act of the system. Outages shorter than `minMs` move nothing.
 *
 * It runs as the deadlines queue's `register-outage` job, one per outage (keyed by its start), so
 * a worker that dies between the register's return and the move does not lose it: the outage
 * stays pending in Redis and the sweeper enqueues it again. Each round is done once: a round's
 * move names the outage in its reason, and a re-run skips a round whose changes name it already.
 */
export function outageDeadlinePolicy(o: { deadlines: OutageDeadlineDeps; telemetry: Telemetry; policy: OutagePolicy; minMs: number; log: Logger }) {
  return async (outage: { from: number; to: number }): Promise<{ rounds: number; moved: number }> => {
    // Done already (the job enqueued again after it finished): nothing left to do.
    if (!(await o.telemetry.pendingOutages()).some((p) => p.from === outage.from)) return { rounds: 0, moved: 0 };
    const held = await o.telemetry.heldRounds(outage.from);
    let moved = 0;
    for (const [roundId, since] of held) {
      if (o.policy === 'extend' && await extend(o, outage, roundId, since)) moved++;
      if (o.policy === 'hold' && await endHold(o, outage, roundId, since)) moved++;
      await o.telemetry.roundHandled(outage.from, roundId);
    }
    await o.telemetry.outageHandled({ ...outage, rounds: held.size });
    return { rounds: held.size, moved };
  };
}

/**
 * `REGISTRY_OUTAGE_POLICY`: `extend` moves the deadlines of rounds that waited on an outage by the
 * time they waited; `hold` leaves deadlines and holds their escalations while the register is down
 * and, after its return, for the time they waited; `off` does neither.
 */
export type OutagePolicy = 'extend' | 'hold' | 'off';

/**
 * The chunks' waits on the register (telemetry) and, under `hold`, a round whose chunk steps aside
 * for an outage gets its escalations held at once (round.escalationHold: the deadline reconcile
 * creates none while it is open).
 */
export function registerWaits(telemetry: Telemetry, o: { store: Store; policy: OutagePolicy; log: Logger }) {
  return {
    async hold(jobId: string, records: number, roundId: string, circuitOpen: boolean): Promise<void> {
      await telemetry.hold(jobId, records, roundId, circuitOpen);
      // Best effort: a store too busy to take it now must not burn the chunk's attempt (its next wait holds it).
      if (circuitOpen && o.policy === 'hold') {
        await holdRoundEscalations(o.store, roundId, new Date(), 'CSDL dân cư gián đoạn: tạm hoãn chuyển cấp (register outage: escalations held)')
          .catch((err: unknown) => o.log.warn({ err, roundId }, 'escalations not held for the register outage (store busy): held at the next wait'));
      }
    },
    release: (jobId: string) => telemetry.release(jobId),
  };
}

/** `hold`: the register is back; the round's escalations stay held for the time it waited, then the reconcile escalates what is due. */
async function endHold(o: { deadlines: OutageDeadlineDeps; log: Logger }, outage: { from: number; to: number }, roundId: string, since: number): Promise<boolean> {
  const lost = Math.max(0, outage.to - Math.max(outage.from, since));
  const until = new Date(outage.to + lost);
  const ended = await endRoundEscalationHold(o.deadlines.store, roundId, until, { from: new Date(outage.from), to: new Date(outage.to) });
  if (!ended) return false;
  const round = await readRound(o.deadlines.store, roundId, ['localityCode', 'escalationHold']);
  await auditAct(o.deadlines.store, SYSTEM, {
    action: 'round.escalation_hold', localityCode: round?.localityCode ?? null,
    after: { roundId, until, held: round?.escalationHold?.held ?? [], outage, reason: `CSDL dân cư gián đoạn ${hhmm(outage.from)} – ${hhmm(outage.to)}: hoãn chuyển cấp đến ${hhmm(until.getTime())} (register outage: escalations held)` },
  });
  // Its timers re-timed to the hold's end.
  await reconcileRound(o.deadlines, roundId);
  return true;
}

/** The mark in a deadline change's reason that names the outage (a re-run finds it and moves nothing). */
const outageMark = (from: number) => `(register outage ${new Date(from).toISOString()})`;

async function extend(o: { deadlines: OutageDeadlineDeps; minMs: number; log: Logger }, outage: { from: number; to: number }, roundId: string, since: number): Promise<boolean> {
  const lost = outage.to - Math.max(outage.from, since);
  if (lost < o.minMs) return false;
  const reason = `CSDL dân cư gián đoạn ${hhmm(outage.from)} – ${hhmm(outage.to)}: gia hạn ${Math.ceil(lost / 60_000)} phút ${outageMark(outage.from)}`;
  try {
    const round = await readRound(o.deadlines.store, roundId, ['deadline', 'deadlineChanges']);
    if (!round || (round.deadlineChanges ?? []).some((c) => c.reason?.includes(outageMark(outage.from)))) return false;
    // The deadline set to the current one plus the time lost (the deadline module's `set` act).
    const out = await changeRoundDeadline(o.deadlines, roundId, { deadline: new Date(round.deadline.getTime() + lost), reason, by: SYSTEM.sub });
    await auditAct(o.deadlines.store, SYSTEM, {
      action: 'round.deadline', localityCode: out.localityCode,
      before: { roundId, deadline: out.previousDeadline }, after: { deadline: out.deadline, reason, outage },
    });
    return true;
  } catch (err) {
    // A round that finished meanwhile, or past the national deadline: its deadline stays, said in the log.
    o.log.warn({ err, roundId }, 'deadline not moved for the register outage');
    return false;
  }
}
