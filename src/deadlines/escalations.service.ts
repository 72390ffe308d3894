import type { Store } from '../db/store.js';
import { findEscalations, markEscalationAcknowledged } from '../db/repositories/escalations.repository.js';
import { contactsAt } from '../db/repositories/contacts.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { MINISTRY_CODE } from '../domain/rounds/escalation.js';
import { NotFoundError } from '../lib/errors/index.js';

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
  const area = q.locality?.length === 2 ? { provinceCode: q.locality } : q.locality?.length === 3 ? { districtCode: q.locality } : {};
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

/**
 * Record that the level's authority has seen the escalation. Idempotent: a second
 * acknowledgement keeps the first. It does not stop the chain: only completing the round
 * (or extending its deadline) does.
 */
export async function acknowledgeEscalation(store: Store, id: string, ack: { by: string; note?: string | undefined }, now = new Date()) {
  const doc = await markEscalationAcknowledged(store, id, { by: ack.by, note: ack.note ?? null }, now);
  if (!doc) throw new NotFoundError(`escalation ${id} not found`);
  return doc;
}
