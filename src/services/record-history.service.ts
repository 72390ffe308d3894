import type { Models } from '../db/models/index.js';
import { correctionsOf } from '../db/repositories/corrections.repository.js';
import { resultsOf } from '../db/repositories/worklist.repository.js';
import { NotFoundError } from '../lib/errors/index.js';

/** Every result (all rounds) and every correction of a record, oldest first. */
export async function recordHistory(models: Models, recordId: string) {
  const record = await models.DoseRecord.findOne({ recordId }, { _id: 0, recordId: 1, communeCode: 1, version: 1 }).lean();
  if (!record) throw new NotFoundError(`record ${recordId} not found`);
  const [results, corrections] = await Promise.all([resultsOf(models, recordId), correctionsOf(models, recordId)]);
  const events = [
    ...results.map(({ createdAt, updatedAt: _u, ...r }) => ({ type: 'result' as const, at: createdAt, ...r })),
    ...corrections.map(({ createdAt, updatedAt: _u, _id, ...c }) => ({ type: 'correction' as const, at: createdAt, id: String(_id), ...c })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return { recordId, communeCode: record.communeCode, version: record.version ?? 0, events };
}
