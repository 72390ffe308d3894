import type { DoseRecordInput, MatchResult, Outcome } from '../../domain/records.js';
import { OUTCOMES } from '../../domain/records.js';
import type { Models } from '../models/index.js';

/** Fields of a dose record the matcher needs (never the Mongo internals). */
const RECORD_FIELDS = {
  _id: 0, recordId: 1, fullName: 1, dateOfBirth: 1, gender: 1, idNumber: 1, nationality: 1,
  communeCode: 1, vaccine: 1, doseNumber: 1, vaccinatedAt: 1, facilityId: 1,
} as const;

export interface ChunkRange {
  communeCode: string;
  fromRecordId: string | null;
  toRecordId: string | null;
  recordIds?: string[];
}

/**
 * Records of one chunk in recordId order, `batchSize` at a time. One query per chunk read
 * through a cursor (not a query per page): Mongo-wire servers without sort pushdown
 * (FerretDB) would otherwise scan the commune again for every page.
 */
export async function* readChunkRecords(
  models: Models,
  range: ChunkRange,
  batchSize: number,
): AsyncGenerator<DoseRecordInput[]> {
  const idCond: Record<string, unknown> = {};
  if (range.recordIds) idCond.$in = range.recordIds;
  if (range.fromRecordId !== null) idCond.$gte = range.fromRecordId;
  if (range.toRecordId !== null) idCond.$lt = range.toRecordId;
  const filter: Record<string, unknown> = { communeCode: range.communeCode };
  if (Object.keys(idCond).length > 0) filter.recordId = idCond;
  const cursor = models.DoseRecord.find(filter, RECORD_FIELDS)
    .sort({ recordId: 1 })
    .lean<DoseRecordInput[]>()
    .cursor({ batchSize });
  let batch: DoseRecordInput[] = [];
  for await (const doc of cursor) {
    batch.push(doc as DoseRecordInput);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Upsert one result per (round, record): running a chunk twice writes the same documents. */
export async function saveResults(
  models: Models,
  meta: { roundId: string; localityCode: string; chunk: number; matcherVersion: string },
  results: MatchResult[],
): Promise<void> {
  if (results.length === 0) return;
  await models.VerificationResult.bulkWrite(
    results.map((r) => ({
      updateOne: {
        filter: { roundId: meta.roundId, recordId: r.recordId },
        update: {
          $set: {
            localityCode: meta.localityCode,
            outcome: r.outcome,
            personalId: r.personalId,
            score: r.score,
            corrections: r.corrections,
            candidates: r.candidates,
            reason: r.reason,
            matcherVersion: meta.matcherVersion,
            chunk: meta.chunk,
          },
        },
        upsert: true,
      },
    })),
    // Unordered: one bad document does not stop the rest; a retry rewrites the same keys.
    { ordered: false },
  );
}

export type OutcomeCounters = Record<Outcome, number>;

/** Counts per outcome for a round, recomputed from the results (idempotent, unlike $inc). */
export async function countOutcomes(models: Models, roundId: string): Promise<{ counters: OutcomeCounters; total: number }> {
  const rows = await models.VerificationResult.aggregate<{ _id: Outcome; n: number }>([
    { $match: { roundId } },
    { $group: { _id: '$outcome', n: { $sum: 1 } } },
  ]);
  const counters = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounters;
  let total = 0;
  for (const row of rows) {
    counters[row._id] = row.n;
    total += row.n;
  }
  return { counters, total };
}

/**
 * Chunk boundaries for a commune: every `chunkSize`-th recordId in order. Reads only the
 * recordId index; 10k communes × ~20k records each stays a cheap covered scan.
 */
export async function computeChunkBoundaries(models: Models, communeCode: string, chunkSize: number) {
  const boundaries: string[] = [];
  let total = 0;
  const cursor = models.DoseRecord.find({ communeCode }, { _id: 0, recordId: 1 })
    .sort({ recordId: 1 })
    .lean<{ recordId: string }[]>()
    .cursor({ batchSize: 5000 });
  for await (const doc of cursor) {
    if (total % chunkSize === 0) boundaries.push(doc.recordId);
    total++;
  }
  return { boundaries, total };
}
