import type { Store } from '../db/store.js';
import { findEscalations, markEscalationAcknowledged, readEscalation } from '../db/repositories/escalations.repository.js';
import { contactsAt } from '../db/repositories/contacts.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { MINISTRY_CODE } from '../domain/rounds/escalation.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors/index.js';
import { grantsOf, type Principal, type Role } from '../auth/principal.js';
import type { EscalationLevel } from '../domain/rounds/policy.js';

export interface EscalationQuery {
  roundId?: string;
  level?: string;
  open?: boolean;
  /** A province (2 digits) or a district (3). */
  locality?: string | undefined;
  limit: number;
}

/**
 * Newest first. `open` = not closed (the round has not completed). Each with the name of the
 * late locality and the people it was sent to (the contacts of its target at its level): a page
 * shows 'Xã Tây Đằng → Chủ tịch UBND huyện Ba Vì', not a bare code. Three reads, whatever the count.
 */
export async function listEscalations(store: Store, q: EscalationQuery) {
  const area = q.locality?.length === 2 ? { provinceCode: q.locality } : q.locality?.length === 3 ? { districtCode: q.locality } : q.locality?.length === 5 ? { localityCode: q.locality } : {};
  const items = await findEscalations(store, { ...q, ...area });
  const [units, contacts] = await Promise.all([
    localitiesRepository(store).byCodes([...new Set(items.flatMap((e) => [e.localityCode, e.targetCode ?? '']).filter((c) => c && c !== MINISTRY_CODE))]),
    contactsAt(store, items.map((e) => ({ localityCode: e.targetCode ?? MINISTRY_CODE, level: e.level }))),
  ]);
  const names = new Map(units.map((u) => [u.code, u.name]));
  return items.map((e) => ({
    ...e,
    localityName: names.get(e.localityCode) ?? null,
    targetName: e.targetCode === MINISTRY_CODE ? null : names.get(e.targetCode ?? '') ?? null,
    sentTo: contacts.filter((c) => c.localityCode === (e.targetCode ?? MINISTRY_CODE) && c.level === e.level)
      .map((c) => ({ name: c.name, title: c.title ?? null, role: c.role, phone: c.phone ?? null })),
  }));
}

/** Who answers at each level, besides the ministry and the campaign admin (national). */
const LEVEL_ROLE: Record<EscalationLevel, Role | null> = {
  commune: 'commune_health', district: 'district_coordinator', province: 'province_coordinator', ministry: null,
};
const ACK_NATIONAL: readonly Role[] = ['ministry', 'campaign_admin'];

/** The level's authority: that level's role granted on the escalation's target, or the ministry / campaign admin. */
function mayAcknowledge(p: Principal, e: { level: EscalationLevel; targetCode?: string | null }): boolean {
  if (p.roles.some((r) => ACK_NATIONAL.includes(r))) return true;
  const role = LEVEL_ROLE[e.level];
  return role !== null && !!e.targetCode && grantsOf(p).some((g) => g.role === role && g.locality === e.targetCode);
}

/**
 * Record that the level's authority (the signed-in identity) has seen the escalation, once:
 * the same identity again is a retry (200, unchanged); anyone else later gets a 409 naming who
 * acknowledged. It does not stop the chain: only completing the round (or extending its deadline) does.
 */
export async function acknowledgeEscalation(store: Store, id: string, p: Principal, note: string | undefined, now = new Date()) {
  const e = await readEscalation(store, id);
  if (!e) throw new NotFoundError(`escalation ${id} not found`);
  if (!mayAcknowledge(p, e)) {
    throw new ForbiddenError(`a ${e.level}-level escalation is acknowledged by that level's ${LEVEL_ROLE[e.level] ?? 'ministry'} of ${e.targetCode ?? e.localityCode}, or the ministry or campaign admin`, { level: e.level });
  }
  const out = await markEscalationAcknowledged(store, id, { by: p.sub, name: p.name, note: note ?? null }, now);
  if (!out) throw new NotFoundError(`escalation ${id} not found`);
  if (!out.acknowledged && out.doc.acknowledgedBy !== p.sub) {
    const who = out.doc.acknowledgedByName ? `${out.doc.acknowledgedByName} (${out.doc.acknowledgedBy})` : String(out.doc.acknowledgedBy);
    throw new ConflictError(`escalation ${id} was already acknowledged by ${who}`, {
      acknowledgedBy: out.doc.acknowledgedBy, acknowledgedByName: out.doc.acknowledgedByName ?? null, acknowledgedAt: out.doc.acknowledgedAt,
    });
  }
  return out;
}
