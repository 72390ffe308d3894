import { isDeepStrictEqual } from 'node:util';
import type { Models } from '../models/index.js';

/**
 * `$set` fields on a round and read them back, writing again until they hold (at most
 * `tries` writes). FerretDB 1.x applies an update by rewriting the whole document, so a
 * concurrent writer to the same round (a transition, a deadline check) can undo a plain
 * updateOne; on MongoDB the first write always holds.
 */
export async function setRoundFields(Round: Models['Round'], roundId: string, fields: Record<string, unknown>, tries = 5): Promise<void> {
  const projection = Object.fromEntries(Object.keys(fields).map((k) => [k, 1]));
  for (let attempt = 1; attempt <= tries; attempt++) {
    await Round.updateOne({ _id: roundId }, { $set: fields });
    const doc = (await Round.findById(roundId, projection).lean()) as Record<string, unknown> | null;
    if (!doc) return;
    if (Object.entries(fields).every(([k, v]) => holds(doc[k], v))) return;
  }
  throw new Error(`round ${roundId}: ${Object.keys(fields).join(', ')} did not persist after ${tries} writes`);
}

/** Every key given is stored with its value (schema defaults may add keys to sub-documents). */
function holds(stored: unknown, wanted: unknown): boolean {
  if (wanted !== null && typeof wanted === 'object' && !Array.isArray(wanted) && !(wanted instanceof Date)) {
    if (stored === null || typeof stored !== 'object') return false;
    return Object.entries(wanted).every(([k, v]) => holds((stored as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(stored, wanted);
}
