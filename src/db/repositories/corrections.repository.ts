import type { CorrectionDoc, CORRECTION_STATUSES, Models } from '../models/index.js';

type Status = (typeof CORRECTION_STATUSES)[number];
import type { FieldChange } from '../../domain/corrections/types.js';

export type CorrectionRow = CorrectionDoc & { _id: unknown; createdAt: Date };

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Insert a correction. `created: false` when its natural key exists already (re-upload, retry:
 * the stored one is returned).
 */
export async function insertCorrection(
  models: Models, doc: Record<string, unknown> & { key: string },
): Promise<{ doc: CorrectionRow; created: boolean }> {
  try {
    const created = await models.Correction.create(doc);
    return { doc: created.toObject() as CorrectionRow, created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await models.Correction.findOne({ key: doc.key }).lean();
    if (existing) return { doc: existing as CorrectionRow, created: false };
    throw err;
  }
}

export function findCorrectionByKey(models: Models, key: string) {
  return models.Correction.findOne({ key }).lean();
}

const versionFilter = (recordId: string, version: number, hasVersionField: boolean) =>
  hasVersionField ? { _id: recordId, version } : { _id: recordId, version: { $exists: false } };

/**
 * Apply changes to a dose record if, and only if, it is still at `version` and no other
 * correction holds it (optimistic concurrency): one conditional update that also increments the
 * version and frees the record. `correctionId` is the correction applied: a record it claimed
 * for the sign-off is its to change. Records imported before versions existed have no field
 * and count as version 0.
 */
export async function applyToRecord(
  models: Models, recordId: string, version: number, hasVersionField: boolean, changes: FieldChange[], correctionId?: string,
): Promise<boolean> {
  const set: Record<string, unknown> = { version: version + 1 };
  for (const c of changes) set[c.field] = c.newValue;
  const holder = correctionId ? { openCorrection: { $in: [null, correctionId] } } : { openCorrection: null };
  const res = await models.DoseRecord.findOneAndUpdate(
    { ...versionFilter(recordId, version, hasVersionField), ...holder },
    { $set: set, $unset: { openCorrection: '' } },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}

/**
 * Claim a record version for a correction awaiting the police's sign-off: one conditional
 * update, `openCorrection: null` in the filter (or already this correction's: a retry). False
 * when the record moved on or another correction holds it.
 */
export async function claimRecord(models: Models, recordId: string, version: number, hasVersionField: boolean, correctionId: string): Promise<boolean> {
  const res = await models.DoseRecord.findOneAndUpdate(
    { ...versionFilter(recordId, version, hasVersionField), openCorrection: { $in: [null, correctionId] } },
    { $set: { openCorrection: correctionId } },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}

/** Free a record a correction held (refused or superseded at the sign-off); conditional on it holding it. */
export async function releaseRecord(models: Models, recordId: string, correctionId: string): Promise<void> {
  await models.DoseRecord.updateOne({ _id: recordId, openCorrection: correctionId }, { $unset: { openCorrection: '' } });
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
 * sign-off and a concurrent refusal cannot both win (one findOneAndUpdate with the expected
 * status in the filter; the record's own claim guards the record).
 */
export async function transitionCorrection(models: Models, id: unknown, from: Status, set: Record<string, unknown>): Promise<boolean> {
  const res = await models.Correction.findOneAndUpdate({ _id: id, status: from }, { $set: set }, { projection: { _id: 1 } }).lean();
  return res !== null;
}

/** Corrections of some communes, oldest first, optionally of one status (the police's list). */
export function listCorrections(models: Models, communes: string[], status: Status | undefined, limit: number) {
  return models.Correction.find({ communeCode: { $in: communes }, ...(status ? { status } : {}) }, { key: 0, __v: 0 })
    .sort({ createdAt: 1 }).limit(limit).lean<CorrectionRow[]>();
}
