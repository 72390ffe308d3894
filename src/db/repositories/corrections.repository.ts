import type { CorrectionDoc, CORRECTION_STATUSES, Models } from '../models/index.js';

type Status = (typeof CORRECTION_STATUSES)[number];
import type { FieldChange } from '../../domain/corrections/types.js';

export type CorrectionRow = CorrectionDoc & { _id: unknown; createdAt: Date };

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Insert a correction. `created: false` when its natural key exists already (re-upload, retry:
 * the stored one is returned); `locked` when another correction of the same record version holds
 * the version lock (a concurrent officer won).
 */
export async function insertCorrection(
  models: Models, doc: Record<string, unknown> & { key: string; lock: string },
): Promise<{ doc: CorrectionRow; created: true } | { doc: CorrectionRow; created: false } | { locked: CorrectionRow }> {
  try {
    const created = await models.Correction.create(doc);
    return { doc: created.toObject() as CorrectionRow, created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await models.Correction.findOne({ key: doc.key }).lean();
    if (existing) return { doc: existing as CorrectionRow, created: false };
    const holder = await models.Correction.findOne({ lock: doc.lock }).lean();
    if (holder) return { locked: holder as CorrectionRow };
    throw err;
  }
}

export function findCorrectionByKey(models: Models, key: string) {
  return models.Correction.findOne({ key }).lean();
}

/**
 * Apply changes to a dose record if, and only if, it is still at `version` (optimistic
 * concurrency): one conditional updateOne that also increments the version. Records imported
 * before versions existed have no field and count as version 0.
 */
export async function applyToRecord(models: Models, recordId: string, version: number, hasVersionField: boolean, changes: FieldChange[]): Promise<boolean> {
  const filter = hasVersionField ? { recordId, version } : { recordId, version: { $exists: false } };
  const set: Record<string, unknown> = { version: version + 1 };
  for (const c of changes) set[c.field] = c.newValue;
  const res = await models.DoseRecord.updateOne(filter, { $set: set });
  return res.matchedCount === 1;
}

export async function setCorrectionStatus(models: Models, id: unknown, status: string, extra: Record<string, unknown> = {}) {
  await models.Correction.updateOne({ _id: id }, { $set: { status, ...extra } });
}

export async function deleteCorrection(models: Models, id: unknown) {
  await models.Correction.deleteOne({ _id: id });
}

/** Records of a round with an accepted explanation (distinct: two explanations of one record count once). */
export async function countExplained(models: Models, roundId: string): Promise<number> {
  const rows = await models.Correction.aggregate<{ n: number }>([
    { $match: { roundId, decision: 'explain' } },
    { $group: { _id: '$recordId' } },
    { $count: 'n' },
  ]);
  return rows[0]?.n ?? 0;
}

export function correctionsOf(models: Models, recordId: string) {
  return models.Correction.find({ recordId }, { key: 0, __v: 0 }).sort({ createdAt: 1 }).lean();
}

/** Sign-off setting of a commune: its own, else its district's, else its province's, else the default. */
export async function signOffRequired(models: Models, communeCode: string, campaignDefault: boolean): Promise<boolean> {
  const loc = await models.Locality.findOne({ code: communeCode }, { districtCode: 1, provinceCode: 1 }).lean();
  for (const code of [communeCode, loc?.districtCode, loc?.provinceCode]) {
    if (!code) continue;
    const s = await models.CorrectionSetting.findOne({ localityCode: code }).lean();
    if (s) return s.signOffRequired;
  }
  return campaignDefault;
}

export async function findCorrectionById(models: Models, id: string): Promise<CorrectionRow | null> {
  try {
    return (await models.Correction.findOne({ _id: id }).lean()) as CorrectionRow | null;
  } catch (err) {
    if ((err as { name?: string }).name === 'CastError') return null;
    throw err;
  }
}

/**
 * Move a correction from one status to another only if it is still in the first: the police
 * sign-off and a concurrent refusal cannot both win (one conditional update; the unique lock
 * index guards the record itself).
 */
export async function transitionCorrection(models: Models, id: unknown, from: Status, set: Record<string, unknown>): Promise<boolean> {
  const res = await models.Correction.updateOne({ _id: id, status: from }, { $set: set });
  return res.modifiedCount === 1;
}

/** Corrections of some communes, oldest first, optionally of one status (the police's list). */
export function listCorrections(models: Models, communes: string[], status: Status | undefined, limit: number) {
  return models.Correction.find({ communeCode: { $in: communes }, ...(status ? { status } : {}) }, { key: 0, __v: 0 })
    .sort({ createdAt: 1 }).limit(limit).lean<CorrectionRow[]>();
}
