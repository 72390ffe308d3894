import type { AccessLogEntry, AuditEntry } from '../models/index.js';
export type { AccessLogEntry, AuditEntry };
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import type { ExportStatus } from '../../domain/access-log.js';

export async function insertAccess(store: Store, entry: AccessLogEntry): Promise<string> {
  const models = modelsOf(store);
  const doc = await models.AccessLog.create(entry);
  return String(doc._id);
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
