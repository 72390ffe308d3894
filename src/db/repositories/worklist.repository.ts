import { resultId } from '../models/verification-result.model.js';
import type { RecordState } from './record-state.repository.js';
import type { MatchEvidence, Outcome } from '../../domain/records.js';
import type { WorklistItem } from '../../domain/corrections/worksheet.js';
import { ACTION_OUTCOMES } from '../../domain/corrections/types.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';


const RESULT_FIELDS = { _id: 0, roundId: 1, recordId: 1, outcome: 1, personalId: 1, score: 1, corrections: 1, candidates: 1, reason: 1, evidence: 1, createdAt: 1, updatedAt: 1 } as const;

export interface ResultRow {
  roundId: string;
  recordId: string;
  outcome: Outcome;
  personalId?: string;
  score?: number;
  corrections?: Record<string, string>;
  candidates?: { personalId: string; score: number }[];
  reason?: string;
  evidence?: MatchEvidence;
  createdAt: Date;
  updatedAt: Date;
}

interface RoundRow { _id: string; kind: string; seq: number; status: string; deadline: Date; createdAt: Date; localityCode: string; recordSetKey?: string }

/** A commune's latest verification round and the correction rounds that followed it (seq order). */
export interface CommuneCycle {
  verification: RoundRow | null;
  corrections: RoundRow[];
}

export async function communeCycle(store: Store, communeCode: string): Promise<CommuneCycle & { all: RoundRow[] }> {
  const models = modelsOf(store);
  const all = await models.Round.find({ localityCode: communeCode }, { _id: 1, kind: 1, seq: 1, status: 1, deadline: 1, createdAt: 1, localityCode: 1, recordSetKey: 1 }).lean<RoundRow[]>();
  const verification = all.filter((r) => r.kind === 'verification').sort((a, b) => b.seq - a.seq)[0] ?? null;
  const corrections = all
    .filter((r) => r.kind === 'correction' && (!verification || r.createdAt >= verification.createdAt))
    .sort((a, b) => a.seq - b.seq);
  return { verification, corrections, all };
}

export interface WorklistQuery {
  outcome?: (typeof ACTION_OUTCOMES)[number];
  after?: string;
  limit: number;
}

/**
 * One page of a commune's worklist, in recordId order: the records whose current state (the
 * latest result of this cycle's rounds: the verification round's, or a correction round's over
 * it) needs an officer, minus records whose explanation was accepted. Three steps whatever the
 * page size: the commune's rounds; one query on the records' states (index { communeCode,
 * outcome }) with, for a first page (`withCounts`), the list's items per outcome beside it (one
 * grouped read); then one `_id $in` for their results and one for the records, in parallel.
 */
export async function worklistPage(
  store: Store, communeCode: string, q: WorklistQuery, opts: { withCounts?: boolean } = {},
): Promise<{ items: WorklistItem[]; next: string | null; counts?: Record<string, number> }> {
  const models = modelsOf(store);
  const cycle = await communeCycle(store, communeCode);
  if (!cycle.verification) return { items: [], next: null, ...(opts.withCounts ? { counts: emptyCounts() } : {}) };
  const roundId = cycle.verification._id;
  const filter = worklistFilter(communeCode, cycle, q);
  const [states, counts] = await Promise.all([
    models.RecordState.find(q.after ? { ...filter, _id: { $gt: q.after } } : filter).sort({ _id: 1 }).limit(q.limit).lean<RecordState[]>(),
    opts.withCounts ? outcomeCounts(store, communeCode, cycle) : undefined,
  ]);
  const ids = states.map((s) => s._id);
  const [results, records] = await Promise.all([
    models.VerificationResult.find({ _id: { $in: states.map((s) => resultId(s.roundId!, s._id)) } }, RESULT_FIELDS).lean<ResultRow[]>(),
    recordsById(store, ids),
  ]);
  const resultOf = new Map(results.map((r) => [r.recordId, r]));
  const items: WorklistItem[] = states.flatMap((s) => {
    const r = resultOf.get(s._id);
    if (!r) return [];
    const rec = records.get(s._id);
    // A record transferred away whose state has not followed yet (or a late result of the old
    // round): the record's own commune decides, so the old commune never sees it again.
    if (rec && rec.communeCode !== communeCode) return [];
    const c = s.correction;
    return [{
      recordId: s._id,
      communeCode,
      version: rec?.version ?? 0,
      roundId,
      outcome: r.outcome,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.score !== undefined ? { score: r.score } : {}),
      entered: {
        idNumber: rec?.idNumber ?? '', fullName: rec?.fullName ?? '', dateOfBirth: rec?.dateOfBirth ?? '',
        gender: rec?.gender ?? '', nationality: rec?.nationality ?? '',
      },
      ...(r.corrections ? { suggested: r.corrections } : {}),
      ...(r.candidates?.length ? { candidates: r.candidates } : {}),
      ...(r.evidence ? { evidence: r.evidence } : {}),
      correctionPending: c?.status === 'applied' && c.at > r.updatedAt,
      ...(rec?.openCorrection ? { awaitingSignOff: true } : {}),
      ...(rec?.facilityId ? { facilityId: rec.facilityId } : {}),
    }];
  });
  return { items, next: states.length === q.limit ? states[states.length - 1]!._id : null, ...(counts !== undefined ? { counts } : {}) };
}

export function worklistFilter(communeCode: string, cycle: CommuneCycle, q: Pick<WorklistQuery, 'outcome'>): Record<string, unknown> {
  const outcomes = q.outcome ? [q.outcome] : ACTION_OUTCOMES;
  return {
    communeCode,
    outcome: { $in: [...outcomes] },
    roundId: { $in: [cycle.verification!._id, ...cycle.corrections.map((r) => r._id)] },
    // An explanation accepted in this cycle takes the record off the list.
    $nor: [{ 'correction.status': 'explained', 'correction.at': { $gte: cycle.verification!.createdAt } }],
  };
}

/** How many items the commune's worklist holds (same filter and index as the pages). */
export async function worklistCount(store: Store, communeCode: string, q: Pick<WorklistQuery, 'outcome'>): Promise<number> {
  const cycle = await communeCycle(store, communeCode);
  if (!cycle.verification) return 0;
  return modelsOf(store).RecordState.countDocuments(worklistFilter(communeCode, cycle, q));
}

const emptyCounts = (): Record<string, number> => Object.fromEntries(ACTION_OUTCOMES.map((o) => [o, 0]));

async function outcomeCounts(store: Store, communeCode: string, cycle: Awaited<ReturnType<typeof communeCycle>>): Promise<Record<string, number>> {
  const counts = emptyCounts();
  const rows = await modelsOf(store).RecordState.aggregate<{ _id: string; n: number }>([
    { $match: worklistFilter(communeCode, cycle, {}) },
    { $group: { _id: '$outcome', n: { $sum: 1 } } },
  ]);
  for (const r of rows) counts[r._id] = r.n;
  return counts;
}

/** The newest result of a record, any round. */
export async function latestResult(store: Store, recordId: string): Promise<ResultRow | null> {
  const models = modelsOf(store);
  const [row] = await models.VerificationResult.find({ recordId }, RESULT_FIELDS).sort({ createdAt: -1 }).limit(1).lean<ResultRow[]>();
  return row ?? null;
}

/** Every result of a record, oldest first. */
export function resultsOf(store: Store, recordId: string): Promise<ResultRow[]> {
  const models = modelsOf(store);
  return models.VerificationResult.find({ recordId }, RESULT_FIELDS).sort({ createdAt: 1 }).lean<ResultRow[]>();
}

/** Dose records by ID in one read (`_id $in`). */
export async function recordsById(store: Store, recordIds: string[], projection?: Record<string, 0 | 1>) {
  const models = modelsOf(store);
  if (recordIds.length === 0) return new Map();
  const docs = await models.DoseRecord.find({ _id: { $in: [...new Set(recordIds)] } }, projection && { ...projection, recordId: 1 }).lean();
  return new Map(docs.map((d) => [d.recordId, d]));
}

