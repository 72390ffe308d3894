import type { FacilityDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { communeCycle, worklistFilter } from './worklist.repository.js';

/*
 * The facility register (issue 28). Natural key: the facility ID (unique index { facilityId });
 * its one writer is the facilities import (upsertFacilityRows in bulk-upsert.repository.ts).
 */

export type FacilityRow = Pick<FacilityDoc, 'facilityId' | 'name' | 'communeCode' | 'headName' | 'headTitle' | 'headPhone'>;
const FIELDS = { _id: 0, facilityId: 1, name: 1, communeCode: 1, headName: 1, headTitle: 1, headPhone: 1 } as const;

/** Facilities by ID, one `$in` read (index { facilityId }). */
export async function facilitiesById(store: Store, ids: readonly (string | null | undefined)[]): Promise<Map<string, FacilityRow>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await modelsOf(store).Facility.find({ facilityId: { $in: wanted } }, FIELDS).lean<FacilityRow[]>();
  return new Map(rows.map((f) => [f.facilityId, f]));
}

/** A commune's registered facilities (index { communeCode, facilityId }). */
export function facilitiesOfCommune(store: Store, communeCode: string): Promise<FacilityRow[]> {
  return modelsOf(store).Facility.find({ communeCode }, FIELDS).sort({ facilityId: 1 }).lean<FacilityRow[]>();
}

/** Which of these commune codes exist as communes (one `$in` read of the units). */
export async function existingCommunes(store: Store, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await modelsOf(store).Locality.find({ code: { $in: [...new Set(codes)] }, level: 'commune' }, { _id: 0, code: 1 }).lean<{ code: string }[]>();
  return new Set(rows.map((r) => r.code));
}

export interface FacilityWork { facilityId: string | null; toCorrect: number; overdue: number }

/**
 * Per facility the records of a commune's worklist carry: how many still need the health station
 * (the worklist's own states: this cycle's rounds, action outcomes, explained ones off) and how
 * many of those are past their round's deadline. Reads: the cycle, the states' IDs and rounds, the
 * records' facility (`_id $in`): a fixed number per commune.
 */
export async function facilityWorkload(store: Store, communeCode: string, now: Date): Promise<FacilityWork[]> {
  const models = modelsOf(store);
  const cycle = await communeCycle(store, communeCode);
  if (!cycle.verification) return [];
  const rounds = [cycle.verification, ...cycle.corrections];
  const deadlineOf = new Map(rounds.map((r) => [r._id, r.deadline]));
  const states = await models.RecordState.find(worklistFilter(communeCode, cycle, {}), { _id: 1, roundId: 1 }).lean<{ _id: string; roundId: string }[]>();
  if (states.length === 0) return [];
  const records = await models.DoseRecord.find({ _id: { $in: states.map((s) => s._id) } }, { _id: 1, facilityId: 1, communeCode: 1 }).lean<{ _id: string; facilityId?: string; communeCode: string }[]>();
  const facilityOf = new Map(records.filter((r) => r.communeCode === communeCode).map((r) => [r._id, r.facilityId ?? null]));
  const work = new Map<string | null, FacilityWork>();
  for (const s of states) {
    if (!facilityOf.has(s._id)) continue;
    const f = facilityOf.get(s._id)!;
    const w = work.get(f) ?? { facilityId: f, toCorrect: 0, overdue: 0 };
    w.toCorrect++;
    const deadline = deadlineOf.get(s.roundId);
    if (deadline && deadline.getTime() < now.getTime()) w.overdue++;
    work.set(f, w);
  }
  return [...work.values()];
}
