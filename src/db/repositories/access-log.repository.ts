import type { AccessLogEntry, AuditEntry } from '../models/index.js';
export type { AccessLogEntry, AuditEntry };
import { Types } from 'mongoose';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import type { ExportStatus } from '../../domain/access-log.js';
import { groupCommit } from '../../lib/group-commit.js';

/**
 * Entries that arrive while an insert is in flight go into the next one (group commit): every
 * answer still waits until its own entry is stored, but a busy API sends one insert per flight
 * instead of one per request (issue 30: the access log was half the store writes of a people's
 * request). One committer per store handle; 500 entries per insert keep a message small.
 */
const committers = new WeakMap<Store, (doc: AccessLogEntry & { _id: Types.ObjectId }) => Promise<void>>();
const ACCESS_BATCH = 500;

export async function insertAccess(store: Store, entry: AccessLogEntry): Promise<string> {
  let commit = committers.get(store);
  if (!commit) {
    const models = modelsOf(store);
    commit = groupCommit(async (docs) => { await models.AccessLog.insertMany(docs, { ordered: false }); }, ACCESS_BATCH);
    committers.set(store, commit);
  }
  // The id is made here, so that the caller of a grouped insert still learns its own entry's id.
  const _id = new Types.ObjectId();
  await commit({ ...entry, _id });
  return String(_id);
}

/** Settle a started export once (the first of completion and abort wins): one conditional update. */
export async function settleExport(store: Store, id: string, status: Exclude<ExportStatus, 'started'>, sent: number, at: Date): Promise<boolean> {
  const models = modelsOf(store);
  const r = await models.AccessLog.updateOne({ _id: id, status: 'started' }, { $set: { status, records: sent, endedAt: at } });
  return r.modifiedCount === 1;
}

export interface AccessQuery {
  sub?: string;
  locality?: string;
  kind?: AccessLogEntry['kind'];
  from?: Date;
  to?: Date;
  limit: number;
}

/** Newest first; one of the indexed shapes (sub, locality, or time alone). */
export function findAccess(store: Store, q: AccessQuery) {
  const models = modelsOf(store);
  const at = q.from || q.to ? { at: { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) } } : {};
  return models.AccessLog.find({ ...(q.sub ? { sub: q.sub } : {}), ...(q.locality ? { locality: q.locality } : {}), ...(q.kind ? { kind: q.kind } : {}), ...at }, { _id: 0 })
    .sort({ at: -1 }).limit(q.limit).lean();
}

export async function insertAudit(store: Store, entry: AuditEntry): Promise<void> {
  const models = modelsOf(store);
  await models.AuditEntry.create(entry);
}

export function findAudit(store: Store, localityCode: string, limit: number) {
  const models = modelsOf(store);
  return models.AuditEntry.find({ localityCode }, { _id: 0 }).sort({ at: -1 }).limit(limit).lean();
}
