import { isValidObjectId, type Types } from 'mongoose';
import type { EscalationDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { isDuplicateKey } from './query.js';

/*
 * Escalations of rounds' missed deadlines: each (roundId, level) once, by the unique index
 * { roundId, level }. Written by src/deadlines (reconcile) and acknowledged through the API.
 */

export type EscalationRow = EscalationDoc & { _id: Types.ObjectId };
/** What an escalation is created with; the rest (notifiedAt, acknowledgement, closing) has defaults. */
export type NewEscalation = Pick<
  EscalationDoc,
  'roundId' | 'level' | 'localityCode' | 'targetCode' | 'provinceCode' | 'districtCode' | 'escalatedAt' | 'deadline' | 'overdueSince' | 'unresolved'
>;

export interface EscalationsFilter {
  roundId?: string;
  level?: string;
  /** true: not closed; false: closed. */
  open?: boolean;
  provinceCode?: string;
  districtCode?: string;
  /** One commune's (the late locality itself). */
  localityCode?: string;
  limit: number;
}

/**
 * Escalations newest first, by round, level, province and/or open state (indexes
 * { roundId, level }, { closedAt, level, escalatedAt }, { provinceCode, closedAt }, { districtCode, closedAt }, { localityCode, closedAt }).
 */
export async function findEscalations(store: Store, q: EscalationsFilter): Promise<EscalationRow[]> {
  const models = modelsOf(store);
  const filter: Record<string, unknown> = {};
  if (q.roundId) filter.roundId = q.roundId;
  if (q.level) filter.level = q.level;
  if (q.provinceCode) filter.provinceCode = q.provinceCode;
  if (q.districtCode) filter.districtCode = q.districtCode;
  if (q.localityCode) filter.localityCode = q.localityCode;
  if (q.open !== undefined) filter.closedAt = q.open ? null : { $ne: null };
  return models.Escalation.find(filter, { __v: 0 }).sort({ escalatedAt: -1 }).limit(q.limit).lean<EscalationRow[]>();
}

/** The fields that say who answers an escalation (`_id`); null when there is none. */
export async function readEscalation(store: Store, id: string) {
  const models = modelsOf(store);
  if (!isValidObjectId(id)) return null;
  return models.Escalation.findById(id, { level: 1, targetCode: 1, localityCode: 1 }).lean<Pick<EscalationRow, '_id' | 'level' | 'targetCode' | 'localityCode'>>();
}

/**
 * Record an acknowledgement unless one is recorded already (one conditional update on
 * `acknowledgedAt` null, so the first stays); `acknowledged` says whether this call did it, and
 * `doc` is the escalation as it is now. Null when there is none.
 */
export async function markEscalationAcknowledged(
  store: Store, id: string, ack: { by: string; name: string; note: string | null }, now: Date,
): Promise<{ acknowledged: boolean; doc: EscalationRow } | null> {
  const models = modelsOf(store);
  if (!isValidObjectId(id)) return null;
  const doc = await models.Escalation.findOneAndUpdate(
    { _id: id, acknowledgedAt: null },
    { $set: { acknowledgedAt: now, acknowledgedBy: ack.by, acknowledgedByName: ack.name, ackNote: ack.note } },
    { returnDocument: 'after', projection: { __v: 0 } },
  ).lean<EscalationRow>();
  if (doc) return { acknowledged: true, doc };
  const current = await models.Escalation.findById(id, { __v: 0 }).lean<EscalationRow>();
  return current ? { acknowledged: false, doc: current } : null;
}

/** The levels a round has escalated and their deadlines (index { roundId, level }). */
export async function escalatedLevels(store: Store, roundId: string): Promise<Pick<EscalationRow, '_id' | 'level' | 'deadline'>[]> {
  const models = modelsOf(store);
  return models.Escalation.find({ roundId }, { level: 1, deadline: 1 }).lean<Pick<EscalationRow, '_id' | 'level' | 'deadline'>[]>();
}

/**
 * Create one level's escalation. False when that (roundId, level) exists already (another
 * replica escalated it first: the unique index { roundId, level } refused this one).
 */
export async function createEscalation(store: Store, escalation: NewEscalation): Promise<boolean> {
  const models = modelsOf(store);
  try {
    await models.Escalation.create(escalation);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Every escalation of a round, oldest first (index { roundId, level }). */
export async function roundEscalations(store: Store, roundId: string): Promise<EscalationRow[]> {
  const models = modelsOf(store);
  return models.Escalation.find({ roundId }).sort({ escalatedAt: 1 }).lean<EscalationRow[]>();
}

/** Mark an escalation notified, unless it is already (conditional on `notifiedAt` null; `_id`). */
export async function markEscalationNotified(store: Store, id: Types.ObjectId, at: Date): Promise<void> {
  const models = modelsOf(store);
  await models.Escalation.updateOne({ _id: id, notifiedAt: null }, { $set: { notifiedAt: at } });
}

/** Close a round's open escalations (index { roundId, level }); returns how many it closed. */
export async function closeRoundEscalations(store: Store, roundId: string, reason: string, now: Date): Promise<number> {
  const models = modelsOf(store);
  const r = await models.Escalation.updateMany({ roundId, closedAt: null }, { $set: { closedAt: now, closeReason: reason } });
  return r.modifiedCount;
}
