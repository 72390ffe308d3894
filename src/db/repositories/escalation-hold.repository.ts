import type { Store } from '../store.js';
import { modelsOf } from '../open-store.js';

/**
 * A round's escalation hold (REGISTRY_OUTAGE_POLICY=hold, round.escalationHold): one conditional
 * update each. Held while `until` is null (the register down) or ahead of the clock.
 */

/** The register is down and the round waits on it: hold its escalations (a hold already open stays as it is). */
export async function holdRoundEscalations(store: Store, roundId: string, since: Date, reason: string): Promise<boolean> {
  const r = await modelsOf(store).Round.updateOne(
    { _id: roundId, $or: [{ escalationHold: null }, { 'escalationHold.until': { $ne: null } }] },
    { $set: { escalationHold: { since, until: null, reason, held: [] } } },
  );
  return r.modifiedCount === 1;
}

/** The register is back: the hold ends at `until` (the time the round waited, given back). Once per open hold. */
export async function endRoundEscalationHold(store: Store, roundId: string, until: Date, outage: { from: Date; to: Date }): Promise<boolean> {
  const r = await modelsOf(store).Round.updateOne(
    { _id: roundId, escalationHold: { $ne: null }, 'escalationHold.until': null },
    { $set: { 'escalationHold.until': until, 'escalationHold.outage': outage } },
  );
  return r.modifiedCount === 1;
}

/** Levels that came due while the round's escalations were held (recorded on the round). */
export async function recordHeldEscalations(store: Store, roundId: string, levels: string[]): Promise<void> {
  if (levels.length === 0) return;
  await modelsOf(store).Round.updateOne({ _id: roundId, escalationHold: { $ne: null } }, { $addToSet: { 'escalationHold.held': { $each: levels } } });
}
