import type { DoseRecordInput, MatchResult, Outcome } from '../../domain/records.js';
import { OUTCOMES } from '../../domain/records.js';
import type { Models } from '../models/index.js';
import { resultId } from '../models/verification-result.model.js';
import { chunkId, type ChunkStatus } from '../models/verification-chunk.model.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { onlyDuplicateKeys } from './query.js';

/** Fields of a dose record the matcher needs (never the Mongo internals). */
const RECORD_FIELDS = {
  _id: 0, recordId: 1, fullName: 1, dateOfBirth: 1, gender: 1, idNumber: 1, nationality: 1,
  communeCode: 1, vaccine: 1, doseNumber: 1, vaccinatedAt: 1, facilityId: 1,
} as const;
/** Reply batch for streamed reads: one getMore per 20k small documents, under the 16 MB limit. */
const STREAM_BATCH = 20_000;

export type OutcomeCounters = Record<Outcome, number>;
const zeroCounters = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounters;

export interface PlannedChunk { chunk: number; size: number }

/**
 * Fix a round's chunk membership once: record IDs in order (one streamed read of the
 * commune's `_id`s, or the correction round's own list), cut every `chunkSize`, inserted as
 * chunk documents in ONE ordered insert. Two planners race on chunk 0's `_id`: the loser's
 * ordered insert stops there and inserts nothing. A planner that crashed half-way is finished
 * by its re-run (same records, same cut). Returns the stored plan.
 */
export async function planChunks(
  store: Store,
  round: { _id: string; localityCode: string; recordIds?: string[] | null },
  chunkSize: number,
): Promise<PlannedChunk[]> {
  const models = modelsOf(store);
  const { VerificationChunk } = models;
  const stored = await storedPlan(models, round._id);
  if (stored.length > 0 && stored.length === stored[0]!.of) return stored;
  const ids = round.recordIds
    ? [...round.recordIds].sort()
    : (await models.DoseRecord.find({ communeCode: round.localityCode }, { _id: 1 }).lean<{ _id: string }[]>().batchSize(STREAM_BATCH))
      .map((d) => d._id).sort();
  const of = Math.ceil(ids.length / chunkSize);
  const docs = Array.from({ length: of }, (_, i) => ({
    _id: chunkId(round._id, i), roundId: round._id, chunk: i, of, recordIds: ids.slice(i * chunkSize, (i + 1) * chunkSize),
  }));
  const missing = docs.filter((d) => !stored.some((s) => s.chunk === d.chunk));
  if (missing.length > 0) {
    await VerificationChunk.collection.insertMany(missing.map((d) => ({ ...d, status: 'pending', processed: 0, attempts: 0, createdAt: new Date() })) as never[], { ordered: stored.length === 0 })
      .catch((err: unknown) => { if (!onlyDuplicateKeys(err)) throw err; });
  }
  return storedPlan(models, round._id);
}

async function storedPlan(models: Models, roundId: string): Promise<(PlannedChunk & { of: number })[]> {
  // Read by the planner only (once per round, again on a re-run): the ID lists come along.
  const rows = await models.VerificationChunk.find({ roundId }, { _id: 0, chunk: 1, of: 1, recordIds: 1 }).lean();
  return rows.map((r) => ({ chunk: r.chunk, of: r.of, size: r.recordIds.length })).sort((a, b) => a.chunk - b.chunk);
}

/** One chunk document by `_id`. */
export async function readChunk(store: Store, roundId: string, chunk: number) {
  const models = modelsOf(store);
  return models.VerificationChunk.findById(chunkId(roundId, chunk), { recordIds: 1, status: 1, of: 1, createdAt: 1 }).lean();
}

/** A chunk's records, in one read: `_id $in` (an index seek), in record ID order. */
export async function readChunkRecords(store: Store, recordIds: string[]): Promise<DoseRecordInput[]> {
  const models = modelsOf(store);
  const docs = await models.DoseRecord.find({ _id: { $in: recordIds } }, RECORD_FIELDS).lean<DoseRecordInput[]>().batchSize(STREAM_BATCH);
  return docs.sort((a, b) => (a.recordId < b.recordId ? -1 : 1));
}

/**
 * Insert one result per (round, record), `_id` = round/record, unordered; results already
 * stored (a re-run chunk) are refused by `_id` and left as they are: nothing is written twice.
 */
export async function saveResults(
  store: Store,
  meta: { roundId: string; localityCode: string; chunk: number; matcherVersion: string },
  results: MatchResult[],
): Promise<void> {
  const models = modelsOf(store);
  if (results.length === 0) return;
  const now = new Date();
  const docs = results.map((r) => clean({
    _id: resultId(meta.roundId, r.recordId), roundId: meta.roundId, recordId: r.recordId, localityCode: meta.localityCode,
    outcome: r.outcome, personalId: r.personalId, score: r.score, corrections: r.corrections, candidates: r.candidates,
    reason: r.reason, evidence: r.evidence, matcherVersion: meta.matcherVersion, chunk: meta.chunk, createdAt: now, updatedAt: now,
  }));
  await models.VerificationResult.collection.insertMany(docs as never[], { ordered: false })
    .catch((err: unknown) => { if (!onlyDuplicateKeys(err)) throw err; });
}

/** What earlier runs of a chunk saved (a run after a wait or a crash asks the register only for the rest). */
export async function readSavedResults(store: Store, roundId: string, recordIds: string[]): Promise<MatchResult[]> {
  const docs = await modelsOf(store).VerificationResult.find(
    { _id: { $in: recordIds.map((r) => resultId(roundId, r)) } },
    { _id: 0, recordId: 1, outcome: 1, personalId: 1, score: 1, corrections: 1, candidates: 1, reason: 1 },
  ).lean();
  return docs.map((d) => clean(d as Record<string, unknown>) as unknown as MatchResult);
}

const clean = (d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));

/** The chunk job records its own outcome (its document's only writer after the planner). */
export async function finishChunk(store: Store, roundId: string, chunk: number, results: MatchResult[]): Promise<void> {
  const models = modelsOf(store);
  const counters = zeroCounters();
  for (const r of results) counters[r.outcome]++;
  await models.VerificationChunk.updateOne(
    { _id: chunkId(roundId, chunk) },
    { $set: { status: 'done' satisfies ChunkStatus, processed: results.length, counters, finishedAt: new Date() }, $unset: { error: '' } },
  );
}

export async function failChunk(store: Store, roundId: string, chunk: number, error: string, attempts: number): Promise<void> {
  const models = modelsOf(store);
  await models.VerificationChunk.updateOne({ _id: chunkId(roundId, chunk) }, { $set: { status: 'failed' satisfies ChunkStatus, error, attempts } });
}

/** A round's chunks without their record lists: what settle and progress read (index { roundId, chunk }). */
export async function roundChunks(store: Store, roundId: string) {
  const models = modelsOf(store);
  return models.VerificationChunk.find({ roundId }, { _id: 0, chunk: 1, of: 1, status: 1, processed: 1, counters: 1, error: 1 })
    .lean<{ chunk: number; of: number; status: ChunkStatus; processed: number; counters?: Partial<OutcomeCounters>; error?: string }[]>();
}

/** Sum of the chunks' own counts: the round's counters, recomputed (idempotent). */
export function sumChunks(chunks: Awaited<ReturnType<typeof roundChunks>>) {
  const counters = zeroCounters();
  let total = 0;
  for (const c of chunks) {
    if (c.status !== 'done') continue;
    for (const o of OUTCOMES) counters[o] += c.counters?.[o] ?? 0;
    total += c.processed;
  }
  return { counters, total };
}
