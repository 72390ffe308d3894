import type { Principal } from '../auth/principal.js';
import { auditAct } from '../audit/audit.service.js';
import { changeRoundDeadline, type DeadlineChangeDeps } from '../deadlines/index.js';
import type { Logger } from '../lib/logger.js';
import { readRound } from '../db/repositories/rounds.repository.js';
import type { Telemetry } from './telemetry.js';

/** Who moved a deadline for a register outage, in the audit and on the round. */
const SYSTEM: Principal = { sub: 'system:registry', name: 'Hệ thống (CSDL quốc gia về dân cư)', roles: [], localities: [], kind: 'service' };

const hhmm = (t: number) => new Date(t).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

/**
 * Deadlines fair to communes (REGISTRY_OUTAGE_POLICY=extend): when the register comes back, every
 * round whose chunks waited on it while it was down gets its deadline moved by the time it waited
 * (from the outage's start, or from when the round first waited if later). The move goes through
 * the deadline module (recorded on the round's deadlineChanges, its timers re-planned by the
 * reconcile-round job it enqueues) and is
 * audited as a `round.deadline` act of the system. Outages shorter than `minMs` move nothing.
 */
export function outageDeadlinePolicy(o: { deadlines: DeadlineChangeDeps; telemetry: Telemetry; policy: 'extend' | 'off'; minMs: number; log: Logger }) {
  return async (outage: { from: number; to: number }): Promise<void> => {
    const held = await o.telemetry.takeHeldRounds();
    await o.telemetry.outage({ ...outage, rounds: held.size });
    if (o.policy === 'off') return;
    for (const [roundId, since] of held) {
      const lost = outage.to - Math.max(outage.from, since);
      if (lost < o.minMs) continue;
      const reason = `CSDL dân cư gián đoạn ${hhmm(outage.from)} – ${hhmm(outage.to)}: gia hạn ${Math.ceil(lost / 60_000)} phút (register outage)`;
      try {
        const round = await readRound(o.deadlines.store, roundId, ['deadline']);
        if (!round) continue;
        // The deadline set to the current one plus the time lost (the deadline module's `set` act).
        const out = await changeRoundDeadline(o.deadlines, roundId, { deadline: new Date(round.deadline.getTime() + lost), reason, by: SYSTEM.sub });
        await auditAct(o.deadlines.store, SYSTEM, {
          action: 'round.deadline', localityCode: out.localityCode,
          before: { roundId, deadline: out.previousDeadline }, after: { deadline: out.deadline, reason, outage },
        });
      } catch (err) {
        // A round that finished meanwhile, or past the national deadline: its deadline stays, said in the log.
        o.log.warn({ err, roundId }, 'deadline not moved for the register outage');
      }
    }
  };
}
