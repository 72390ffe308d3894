import type { AccessLogEntry, AuditEntry, Models } from '../models/index.js';

export async function insertAccess(models: Models, entry: AccessLogEntry): Promise<void> {
  await models.AccessLog.create(entry);
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
export function findAccess(models: Models, q: AccessQuery) {
  const at = q.from || q.to ? { at: { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) } } : {};
  return models.AccessLog.find({ ...(q.sub ? { sub: q.sub } : {}), ...(q.locality ? { locality: q.locality } : {}), ...(q.kind ? { kind: q.kind } : {}), ...at }, { _id: 0 })
    .sort({ at: -1 }).limit(q.limit).lean();
}

export async function insertAudit(models: Models, entry: AuditEntry): Promise<void> {
  await models.AuditEntry.create(entry);
}

export function findAudit(models: Models, localityCode: string, limit: number) {
  return models.AuditEntry.find({ localityCode }, { _id: 0 }).sort({ at: -1 }).limit(limit).lean();
}
