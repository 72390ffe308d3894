import type { Store } from '../db/store.js';
import { findEscalations, markEscalationAcknowledged } from '../db/repositories/escalations.repository.js';
import { NotFoundError } from '../lib/errors/index.js';

export interface EscalationQuery {
  roundId?: string;
  level?: string;
  open?: boolean;
  provinceCode?: string;
  limit: number;
}

/** Newest first. `open` = not closed (the round has not completed). */
export async function listEscalations(store: Store, q: EscalationQuery) {
  return findEscalations(store, q);
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
