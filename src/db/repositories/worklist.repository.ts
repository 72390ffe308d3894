import type { Models } from '../models/index.js';
import type { Outcome } from '../../domain/records.js';
import type { WorklistItem } from '../../domain/corrections/worksheet.js';

/** Outcomes that need an officer: suggestions to confirm, cases to decide, records to fix. */
export const ACTION_OUTCOMES = ['corrected', 'review', 'not_found', 'invalid'] as const satisfies readonly Outcome[];

const RESULT_FIELDS = { _id: 0, roundId: 1, recordId: 1, outcome: 1, personalId: 1, score: 1, corrections: 1, candidates: 1, reason: 1, createdAt: 1, updatedAt: 1 } as const;

export interface ResultRow {
  roundId: string;
  recordId: string;
  outcome: Outcome;
  personalId?: string;
  score?: number;
  corrections?: Record<string, string>;
  candidates?: { personalId: string; score: number }[];
  reason?: string;
  createdAt: Date;
  updatedAt: Date;
}

interface RoundRow { _id: string; kind: string; seq: number; status: string; deadline: Date; createdAt: Date; localityCode: string }

/** A commune's latest verification round and the correction rounds that followed it (seq order). */
export interface CommuneCycle {
  verification: RoundRow | null;
  corrections: RoundRow[];
}

export async function communeCycle(models: Models, communeCode: string): Promise<CommuneCycle & { all: RoundRow[] }> {
  const all = await models.Round.find({ localityCode: communeCode }, { _id: 1, kind: 1, seq: 1, status: 1, deadline: 1, createdAt: 1, localityCode: 1 }).lean<RoundRow[]>();
  const verification = all.filter((r) => r.kind === 'verification').sort((a, b) => b.seq - a.seq)[0] ?? null;
  const corrections = all
    .filter((r) => r.kind === 'correction' && (!verification || r.createdAt >= verification.createdAt))
    .sort((a, b) => a.seq - b.seq);
  return { verification, corrections, all };
}

/** The latest correction-round result per record (a later round overrides an earlier one). */
export async function correctionOverrides(models: Models, cycle: CommuneCycle): Promise<Map<string, ResultRow>> {
  const out = new Map<string, ResultRow>();
  if (cycle.corrections.length === 0) return out;
  // One read (`roundId $in`, index { roundId, recordId }), applied in the rounds' seq order.
  const order = new Map(cycle.corrections.map((r, i) => [r._id, i]));
  const rows = await models.VerificationResult.find({ roundId: { $in: [...order.keys()] } }, RESULT_FIELDS).lean<ResultRow[]>();
  rows.sort((a, b) => order.get(a.roundId)! - order.get(b.roundId)!);
  for (const r of rows) out.set(r.recordId, r);
  return out;
}

export interface LatestCorrection { recordId: string; decision: string; status: string; createdAt: Date }

/** Each record's latest correction answering this verification round. */
export async function latestCorrections(models: Models, roundId: string): Promise<Map<string, LatestCorrection>> {
  const rows = await models.Correction.find({ roundId }, { _id: 0, recordId: 1, decision: 1, status: 1, createdAt: 1 })
    .sort({ createdAt: 1 }).lean<LatestCorrection[]>();
  return new Map(rows.map((r) => [r.recordId, r]));
}

export interface WorklistQuery {
  outcome?: (typeof ACTION_OUTCOMES)[number];
  after?: string;
  limit: number;
}

/**
 * One page of a commune's worklist, in recordId order: the verification round's results with
 * the correction rounds' newer results over them, minus records whose explanation was accepted.
 * One query for the outcomes (`outcome $in`, index { roundId, outcome }), one for the records.
 */
export async function worklistPage(models: Models, communeCode: string, q: WorklistQuery): Promise<{ items: WorklistItem[]; next: string | null }> {
  const cycle = await communeCycle(models, communeCode);
  if (!cycle.verification) return { items: [], next: null };
  const roundId = cycle.verification._id;
  const [overrides, corrections] = await Promise.all([correctionOverrides(models, cycle), latestCorrections(models, roundId)]);
  const explained = (id: string) => corrections.get(id)?.status === 'explained';
  const outcomes = q.outcome ? [q.outcome] : ACTION_OUTCOMES;
  const extra = overrides.size + [...corrections.values()].filter((c) => c.status === 'explained').length;
  const filter: Record<string, unknown> = { roundId, outcome: { $in: [...outcomes] } };
  if (q.after) filter.recordId = { $gt: q.after };
  const page = await models.VerificationResult.find(filter, RESULT_FIELDS).sort({ recordId: 1 }).limit(q.limit + extra).lean<ResultRow[]>();
  const wanted = new Set<string>(outcomes);
  const rows = [
    ...page.filter((r) => !overrides.has(r.recordId)),
    ...[...overrides.values()].filter((r) => wanted.has(r.outcome) && (!q.after || r.recordId > q.after)),
  ].filter((r) => !explained(r.recordId)).sort((a, b) => (a.recordId < b.recordId ? -1 : 1)).slice(0, q.limit);

  const records = await recordsById(models, rows.map((r) => r.recordId));
  const items: WorklistItem[] = rows.map((r) => {
    const rec = records.get(r.recordId);
    const c = corrections.get(r.recordId);
    return {
      recordId: r.recordId,
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
      correctionPending: c?.status === 'applied' && c.createdAt > r.updatedAt,
    };
  });
  return { items, next: items.length === q.limit ? items[items.length - 1]!.recordId : null };
}

/** The newest result of a record, any round. */
export async function latestResult(models: Models, recordId: string): Promise<ResultRow | null> {
  const [row] = await models.VerificationResult.find({ recordId }, RESULT_FIELDS).sort({ createdAt: -1 }).limit(1).lean<ResultRow[]>();
  return row ?? null;
}

/** Every result of a record, oldest first. */
export function resultsOf(models: Models, recordId: string): Promise<ResultRow[]> {
  return models.VerificationResult.find({ recordId }, RESULT_FIELDS).sort({ createdAt: 1 }).lean<ResultRow[]>();
}

/** Dose records by ID in one read (`_id $in`). */
export async function recordsById(models: Models, recordIds: string[], projection?: Record<string, 0 | 1>) {
  if (recordIds.length === 0) return new Map();
  const docs = await models.DoseRecord.find({ _id: { $in: [...new Set(recordIds)] } }, projection && { ...projection, recordId: 1 }).lean();
  return new Map(docs.map((d) => [d.recordId, d]));
}

