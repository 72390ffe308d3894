import type { DoseRecordInput, MatchResult, Outcome } from '../../domain/records.js';
import { normalizeId } from '../../domain/matching/index.js';
import type { CorrectionStatus } from '../../domain/corrections/types.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { onlyDuplicateKeys } from './query.js';

/**
 * The one writer and the readers of the per-record current state (recordStates, `_id` = record
 * ID). Results: a round's outcome replaces the stored one unless a later-planned round's is
 * there (a re-run of an old chunk never undoes a correction round). Corrections: the newest
 * correction of the record, with its status.
 */

export interface RecordState {
  _id: string;
  communeCode: string;
  roundId: string | null;
  plannedAt: Date | null;
  outcome: Outcome | null;
  personalId: string | null;
  resultAt: Date | null;
  correction: { id: string; status: CorrectionStatus; at: Date } | null;
  citizen: string | null;
  dose: DoseFacts | null;
}

export interface DoseFacts { vaccine: string | null; doseNumber: number | null; vaccinatedAt: string | null }

/** Whose dose a record is for eligibility: the person it links to, else the citizen ID it was entered with. */
function citizenOf(personalId: string | null | undefined, rec: Pick<DoseRecordInput, 'idNumber'> | undefined): string | null {
  if (personalId) return personalId;
  const entered = normalizeId(rec?.idNumber);
  return entered.kind === 'citizen' ? entered.value : null;
}

/** The facts of a dose eligibility shows (no name, no birth date). */
const doseFacts = (rec: Pick<DoseRecordInput, 'vaccine' | 'doseNumber' | 'vaccinatedAt'>): DoseFacts =>
  ({ vaccine: rec.vaccine ?? null, doseNumber: rec.doseNumber ?? null, vaccinatedAt: rec.vaccinatedAt ?? null });

type ChunkRecord = Pick<DoseRecordInput, 'recordId' | 'idNumber' | 'vaccine' | 'doseNumber' | 'vaccinatedAt'>;

/**
 * A chunk's results into the records' states: one unordered bulk of upserts, each conditional
 * on no later-planned round's result being stored (such a record's upsert collides with its
 * `_id` and is skipped: the newer state stays). With each result go the facts eligibility needs
 * of the record the chunk verified (`records`: whose dose, which vaccine, when): the
 * per-citizen projection has this one writer.
 */
export async function recordResults(
  store: Store, meta: { roundId: string; communeCode: string; plannedAt: Date }, results: MatchResult[], at: Date,
  records: readonly ChunkRecord[],
): Promise<void> {
  const models = modelsOf(store);
  if (results.length === 0) return;
  const byId = new Map(records.map((r) => [r.recordId, r]));
  const ops = results.map((r) => {
    const rec = byId.get(r.recordId);
    const dose: DoseFacts | null = rec ? doseFacts(rec) : null;
    return { updateOne: {
      filter: { _id: r.recordId, $or: [{ plannedAt: null }, { plannedAt: { $lte: meta.plannedAt } }] },
      update: {
        $set: {
          communeCode: meta.communeCode, roundId: meta.roundId, plannedAt: meta.plannedAt, outcome: r.outcome, personalId: r.personalId ?? null, resultAt: at,
          citizen: citizenOf(r.personalId, rec), dose,
        },
      },
      upsert: true,
    } };
  });
  await models.RecordState.bulkWrite(ops as never, { ordered: false }).catch((err: unknown) => { if (!onlyDuplicateKeys(err)) throw err; });
}

export interface BackfillReport {
  /** States with a result but no projection, looked at. */
  scanned: number;
  /** Projections written. */
  written: number;
  /** States whose dose record is gone (left without a projection: not a dose eligibility can show). */
  noRecord: number;
}

/**
 * The per-citizen projection (whose dose, which vaccine, when) for the states of records
 * verified before the chunk job wrote it: eligibility answers from the projection alone, so
 * without it their doses are not seen. Rebuilt from the store, the truth: the person the result
 * linked (the state's `personalId`), else the citizen ID the record was entered with, and the
 * record's vaccine, dose number and date. Pages of `batch` states in `_id` order, one `_id $in`
 * read of their records and one unordered bulk per page. Each write is conditional on the state
 * still having no projection and the same round: a chunk that writes meanwhile (the projection's
 * one writer) wins. Idempotent: a second run finds nothing to do.
 */
export async function backfillEligibilityProjection(store: Store, opts: { batch?: number } = {}): Promise<BackfillReport> {
  const models = modelsOf(store);
  const batch = opts.batch ?? 1_000;
  const report: BackfillReport = { scanned: 0, written: 0, noRecord: 0 };
  let after: string | null = null;
  for (;;) {
    const filter: Record<string, unknown> = { roundId: { $ne: null }, dose: null, ...(after ? { _id: { $gt: after } } : {}) };
    const states = await models.RecordState.find(filter, { _id: 1, roundId: 1, personalId: 1 }).sort({ _id: 1 }).limit(batch)
      .lean<Pick<RecordState, '_id' | 'roundId' | 'personalId'>[]>();
    if (states.length === 0) return report;
    after = states[states.length - 1]!._id;
    report.scanned += states.length;
    const records = await models.DoseRecord.find({ _id: { $in: states.map((st) => st._id) } }, { _id: 1, idNumber: 1, vaccine: 1, doseNumber: 1, vaccinatedAt: 1 })
      .lean<(Pick<DoseRecordInput, 'idNumber' | 'vaccine' | 'doseNumber' | 'vaccinatedAt'> & { _id: string })[]>();
    const byId = new Map(records.map((r) => [r._id, r]));
    const ops = states.flatMap((st) => {
      const rec = byId.get(st._id);
      if (!rec) { report.noRecord++; return []; }
      return [{ updateOne: {
        filter: { _id: st._id, roundId: st.roundId, dose: null },
        update: { $set: { citizen: citizenOf(st.personalId, rec), dose: doseFacts(rec) } },
      } }];
    });
    if (ops.length > 0) report.written += (await models.RecordState.bulkWrite(ops as never, { ordered: false })).modifiedCount;
    if (states.length < batch) return report;
  }
}

/**
 * A record's newest correction and its status (submitted, signed off, applied…). Conditional on
 * the stored one not being newer, so two corrections of one record land in order.
 */
export async function recordCorrection(
  store: Store, recordId: string, communeCode: string, correction: { id: string; status: CorrectionStatus; at: Date },
): Promise<void> {
  const models = modelsOf(store);
  try {
    await models.RecordState.updateOne(
      { _id: recordId, $or: [{ correction: null }, { 'correction.at': { $lte: correction.at } }] },
      { $set: { correction }, $setOnInsert: { communeCode } },
      { upsert: true },
    );
  } catch (err) {
    if (!onlyDuplicateKeys(err)) throw err; // a newer correction is stored
  }
}

/**
 * A transferred record's state follows it to its new commune (conditional on it still naming the
 * old one): the old commune's worklist no longer lists it, the new one's round plans it.
 */
export async function moveRecordState(store: Store, recordId: string, from: string, to: string): Promise<void> {
  await modelsOf(store).RecordState.updateOne({ _id: recordId, communeCode: from }, { $set: { communeCode: to } });
}

/** The states of some records, one `_id $in` read. */
export async function recordStates(store: Store, recordIds: string[]): Promise<Map<string, RecordState>> {
  const models = modelsOf(store);
  if (recordIds.length === 0) return new Map();
  const rows = await models.RecordState.find({ _id: { $in: [...new Set(recordIds)] } }).lean<RecordState[]>();
  return new Map(rows.map((r) => [r._id, r]));
}

export type CitizenDose = Pick<RecordState, '_id' | 'outcome' | 'resultAt' | 'correction' | 'dose'>;

/** A citizen's doses as their latest results left them, with their corrections: one read (index { citizen }). */
export function citizenDoses(store: Store, citizen: string): Promise<CitizenDose[]> {
  return modelsOf(store).RecordState.find({ citizen }, { _id: 1, outcome: 1, resultAt: 1, correction: 1, dose: 1 }).lean<CitizenDose[]>();
}

/**
 * Records per current outcome among those whose latest result is from `roundIds` (a commune's
 * cycle: its verification round and the correction rounds after it): one aggregation.
 */
export async function outcomeCounts(store: Store, communeCode: string, roundIds: string[]): Promise<Partial<Record<Outcome, number>>> {
  const models = modelsOf(store);
  const rows = await models.RecordState.aggregate<{ _id: Outcome; n: number }>([
    { $match: { communeCode, roundId: { $in: roundIds } } },
    { $group: { _id: '$outcome', n: { $sum: 1 } } },
  ]);
  return Object.fromEntries(rows.map((r) => [r._id, r.n]));
}
