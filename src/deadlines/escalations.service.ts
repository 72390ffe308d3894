import { isValidObjectId } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { NotFoundError } from '../lib/errors/index.js';

export interface EscalationQuery {
  roundId?: string;
  level?: string;
  open?: boolean;
  provinceCode?: string;
  limit: number;
}

/** Newest first. `open` = not closed (the round has not completed). */
export async function listEscalations(models: Models, q: EscalationQuery) {
  const filter: Record<string, unknown> = {};
  if (q.roundId) filter.roundId = q.roundId;
  if (q.level) filter.level = q.level;
  if (q.provinceCode) filter.provinceCode = q.provinceCode;
  if (q.open !== undefined) filter.closedAt = q.open ? null : { $ne: null };
  return models.Escalation.find(filter, { __v: 0 }).sort({ escalatedAt: -1 }).limit(q.limit).lean();
}

/**
 * Record that the level's authority has seen the escalation. Idempotent: a second
 * acknowledgement keeps the first. It does not stop the chain: only completing the round
 * (or extending its deadline) does.
 */
export async function acknowledgeEscalation(models: Models, id: string, ack: { by: string; note?: string | undefined }, now = new Date()) {
  if (!isValidObjectId(id)) throw new NotFoundError(`escalation ${id} not found`);
  const { Escalation } = models;
  await Escalation.updateOne(
    { _id: id, acknowledgedAt: null },
    { $set: { acknowledgedAt: now, acknowledgedBy: ack.by, ackNote: ack.note ?? null } },
  );
  const doc = await Escalation.findById(id, { __v: 0 }).lean();
  if (!doc) throw new NotFoundError(`escalation ${id} not found`);
  return doc;
}
