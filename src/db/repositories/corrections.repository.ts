import type { CorrectionDoc, CORRECTION_STATUSES } from '../models/index.js';

type Status = (typeof CORRECTION_STATUSES)[number];
import type { FieldChange } from '../../domain/corrections/types.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { isDuplicateKey } from './query.js';

export type CorrectionRow = CorrectionDoc & { _id: unknown; createdAt: Date };

/**
 * Insert a correction. `created: false` when its natural key exists already (re-upload, retry:
 * the stored one is returned).
 */
export async function insertCorrection(
  store: Store, doc: Record<string, unknown> & { key: string },
): Promise<{ doc: CorrectionRow; created: boolean }> {
  const models = modelsOf(store);
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

export function findCorrectionByKey(store: Store, key: string) {
  const models = modelsOf(store);
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
  store: Store, recordId: string, version: number, hasVersionField: boolean, changes: FieldChange[], correctionId?: string,
): Promise<boolean> {
  const models = modelsOf(store);
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
export async function claimRecord(store: Store, recordId: string, version: number, hasVersionField: boolean, correctionId: string): Promise<boolean> {
  const models = modelsOf(store);
  const res = await models.DoseRecord.findOneAndUpdate(
    { ...versionFilter(recordId, version, hasVersionField), openCorrection: { $in: [null, correctionId] } },
    { $set: { openCorrection: correctionId } },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}

/**
 * Take an applied correction's values back out of its record (the police undo an approval, issue
 * 28): only if the record is still at the version the correction produced and nothing holds it.
 * One conditional update writes the old values, moves the version on (a new version: a sheet
 * exported in between is refused, as after any change) and holds the record for the correction,
 * which waits for the police again.
 */
export async function revertRecord(store: Store, recordId: string, appliedVersion: number, changes: FieldChange[], correctionId: string): Promise<boolean> {
  const set: Record<string, unknown> = { version: appliedVersion + 1, openCorrection: correctionId };
  for (const c of changes) set[c.field] = c.oldValue ?? '';
  const res = await modelsOf(store).DoseRecord.findOneAndUpdate(
    { _id: recordId, version: appliedVersion, openCorrection: null },
    { $set: set },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}

/** Of these (record, since) pairs, the records with a verification result written after their `since`: one `recordId $in` read. */
export async function recordsReverified(store: Store, pairs: readonly { recordId: string; since: Date }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const since = new Map(pairs.map((p) => [p.recordId, p.since.getTime()]));
  const rows = await modelsOf(store).VerificationResult.find({ recordId: { $in: [...since.keys()] } }, { _id: 0, recordId: 1, createdAt: 1 }).lean<{ recordId: string; createdAt: Date }[]>();
  return new Set(rows.filter((r) => r.createdAt.getTime() > since.get(r.recordId)!).map((r) => r.recordId));
}

/** Whether a verification result of the record was written after `since` (index { recordId, createdAt }). */
export async function reverifiedSince(store: Store, recordId: string, since: Date): Promise<boolean> {
  return (await modelsOf(store).VerificationResult.exists({ recordId, createdAt: { $gt: since } })) !== null;
}

/** Free a record a correction held (refused or superseded at the sign-off); conditional on it holding it. */
export async function releaseRecord(store: Store, recordId: string, correctionId: string): Promise<void> {
  const models = modelsOf(store);
  await models.DoseRecord.updateOne({ _id: recordId, openCorrection: correctionId }, { $unset: { openCorrection: '' } });
}

export async function setCorrectionStatus(store: Store, id: unknown, status: string, extra: Record<string, unknown> = {}) {
  const models = modelsOf(store);
  await models.Correction.updateOne({ _id: id }, { $set: { status, ...extra } });
}

export async function deleteCorrection(store: Store, id: unknown) {
  const models = modelsOf(store);
  await models.Correction.deleteOne({ _id: id });
}

/** Records of a round with an accepted explanation (distinct: two explanations of one record count once). */
export async function countExplained(store: Store, roundId: string): Promise<number> {
  const models = modelsOf(store);
  const rows = await models.Correction.aggregate<{ n: number }>([
    { $match: { roundId, decision: 'explain' } },
    { $group: { _id: '$recordId' } },
    { $count: 'n' },
  ]);
  return rows[0]?.n ?? 0;
}

export function correctionsOf(store: Store, recordId: string) {
  const models = modelsOf(store);
  return models.Correction.find({ recordId }, { key: 0, __v: 0 }).sort({ createdAt: 1 }).lean();
}

/** Sign-off setting of a commune: its own, else its district's, else its province's, else the default. */
export async function signOffRequired(store: Store, communeCode: string, campaignDefault: boolean): Promise<boolean> {
  const models = modelsOf(store);
  const loc = await models.Locality.findOne({ code: communeCode }, { districtCode: 1, provinceCode: 1 }).lean();
  for (const code of [communeCode, loc?.districtCode, loc?.provinceCode]) {
    if (!code) continue;
    const s = await models.CorrectionSetting.findOne({ localityCode: code }).lean();
    if (s) return s.signOffRequired;
  }
  return campaignDefault;
}

export async function findCorrectionById(store: Store, id: string): Promise<CorrectionRow | null> {
  const models = modelsOf(store);
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
export async function transitionCorrection(store: Store, id: unknown, from: Status, set: Record<string, unknown>): Promise<boolean> {
  const models = modelsOf(store);
  const res = await models.Correction.findOneAndUpdate({ _id: id, status: from }, { $set: set }, { projection: { _id: 1 } }).lean();
  return res !== null;
}

/** Corrections of some communes, oldest first, optionally of one status (the police's list). */
export function listCorrections(store: Store, communes: string[], status: Status | undefined, limit: number) {
  const models = modelsOf(store);
  return models.Correction.find({ communeCode: { $in: communes }, ...(status ? { status } : {}) }, { key: 0, __v: 0 })
    .sort({ createdAt: 1 }).limit(limit).lean<CorrectionRow[]>();
}

/** A locality's own sign-off setting (index { localityCode }), or null when it has none. */
export async function ownSignOffSetting(store: Store, localityCode: string): Promise<boolean | null> {
  const own = await modelsOf(store).CorrectionSetting.findOne({ localityCode }, { _id: 0, signOffRequired: 1 }).lean();
  return own ? own.signOffRequired : null;
}

/** Set a locality's own sign-off setting (upsert on localityCode). */
export async function setSignOffSetting(store: Store, localityCode: string, required: boolean): Promise<void> {
  await modelsOf(store).CorrectionSetting.updateOne({ localityCode }, { $set: { signOffRequired: required } }, { upsert: true });
}

/** Link corrections to the correction round that re-verifies their records (one `_id $in` write). */
export async function linkToCorrectionRound(store: Store, correctionIds: readonly unknown[], roundId: string): Promise<void> {
  if (correctionIds.length === 0) return;
  await modelsOf(store).Correction.updateMany({ _id: { $in: correctionIds } }, { $set: { correctionRoundId: roundId } });
}
