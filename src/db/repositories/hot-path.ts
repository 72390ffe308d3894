/**
 * Every query shape of the verification hot path (planner, chunk, registry snapshot, settle),
 * by model: equality fields, then an optional range or sort field. A unit test checks each
 * one against the model's declared indexes, so a new query without an index fails CI.
 * Keep this list next to the repositories that send the queries.
 */
export interface QueryShape {
  model: string;
  /** Where the query is sent from (repository function). */
  from: string;
  /** Fields compared by equality or `$in`. */
  equality: string[];
  /** A range or sort field after the equalities, if any. */
  range?: string;
}

export const HOT_PATH_QUERIES: readonly QueryShape[] = [
  { model: 'DoseRecord', from: 'planChunks: a commune\'s record IDs', equality: ['communeCode'] },
  { model: 'VerificationChunk', from: 'planChunks/storedPlan, roundChunks', equality: ['roundId'], range: 'chunk' },
  { model: 'VerificationChunk', from: 'roundsProgress (GET /api/rounds?progress=true)', equality: ['roundId'] },
  { model: 'VerificationChunk', from: 'readChunk, finishChunk, failChunk', equality: ['_id'] },
  { model: 'DoseRecord', from: 'readChunkRecords (`_id $in`)', equality: ['_id'] },
  { model: 'VerificationResult', from: 'saveResults (insert; duplicates refused by `_id`)', equality: ['_id'] },
  { model: 'RegistryVersion', from: 'registryVersion', equality: ['_id'] },
  { model: 'Locality', from: 'provinceOf', equality: ['code'] },
  { model: 'Locality', from: 'loadRegistrySnapshot: the province\'s communes', equality: ['provinceCode', 'level'] },
  { model: 'Citizen', from: 'loadRegistrySnapshot: the province\'s citizens', equality: ['communeCode'] },
  { model: 'Citizen', from: 'SnapshotRegistry: IDs registered elsewhere', equality: ['_id'] },
  { model: 'Citizen', from: 'SnapshotRegistry: old ID numbers registered elsewhere', equality: ['oldIdNumber'] },
  { model: 'Round', from: 'planRound, settleRound, applyRoundTransition', equality: ['_id'] },
  { model: 'Round', from: 'readChangedRounds (the incremental dashboard rollup)', equality: ['kind'], range: 'updatedAt' },
];

/** True when an index with these keys serves the shape: equalities as its prefix (any order), then the range. */
export function indexServes(indexKeys: string[], shape: Pick<QueryShape, 'equality' | 'range'>): boolean {
  if (shape.equality.length === 1 && shape.equality[0] === '_id') return true;
  const prefix = indexKeys.slice(0, shape.equality.length);
  if (prefix.length < shape.equality.length || !shape.equality.every((f) => prefix.includes(f))) return false;
  return !shape.range || indexKeys[shape.equality.length] === shape.range || shape.equality.includes(shape.range);
}
