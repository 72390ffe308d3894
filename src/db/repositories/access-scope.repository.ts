import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/**
 * Look-ups the route table needs to find a request's locality: the ancestors of a locality and
 * the commune or locality of a round, record, correction or escalation. Equality on indexed keys.
 */
export async function localityAncestors(store: Store, code: string): Promise<string[] | null> {
  const models = modelsOf(store);
  const u = await models.Locality.findOne({ code }, { _id: 0, code: 1, parentCode: 1, districtCode: 1, provinceCode: 1 }).lean();
  if (!u) return null;
  return [...new Set([u.parentCode, u.districtCode, u.provinceCode].filter((c): c is string => Boolean(c) && c !== code))];
}

/** The thing a route's scope names and the locality it belongs to; null when it does not exist. */
export interface ScopedThing { id: string; locality: string }

export async function roundLocality(store: Store, roundId: string): Promise<ScopedThing | null> {
  const models = modelsOf(store);
  const r = await models.Round.findOne({ _id: roundId }, { localityCode: 1 }).lean<{ _id: string; localityCode: string } | null>();
  return r ? { id: String(r._id), locality: r.localityCode } : null;
}

export async function recordCommune(store: Store, recordId: string): Promise<ScopedThing | null> {
  const models = modelsOf(store);
  const r = await models.DoseRecord.findOne({ recordId }, { _id: 0, recordId: 1, communeCode: 1 }).lean();
  return r ? { id: r.recordId, locality: r.communeCode } : null;
}

export async function correctionCommune(store: Store, correctionId: string): Promise<ScopedThing | null> {
  const models = modelsOf(store);
  const c = await models.Correction.findOne({ _id: correctionId }, { communeCode: 1 }).lean().catch(castFailed);
  return c ? { id: String(c._id), locality: c.communeCode } : null;
}

export async function escalationLocality(store: Store, escalationId: string): Promise<ScopedThing | null> {
  const models = modelsOf(store);
  // Scoped by the locality answering at its level (a ministry-level one: `VN`, no scoped grant sees it).
  const e = await models.Escalation.findOne({ _id: escalationId }, { localityCode: 1, targetCode: 1 }).lean().catch(castFailed);
  return e ? { id: String(e._id), locality: e.targetCode ?? e.localityCode } : null;
}

/** An id that is not of the collection's `_id` type names nothing (the router answers 404). */
function castFailed(err: unknown): null {
  if ((err as { name?: string }).name === 'CastError') return null;
  throw err;
}
