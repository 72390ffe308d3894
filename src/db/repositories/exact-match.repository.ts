import type { DoseRecordInput, MatchResult } from '../../domain/records.js';
import { mapLimit } from '../../lib/concurrency.js';
import type { Models } from '../models/index.js';

/**
 * The registry check as the campaign first ran it: a record is verified only when its ID
 * number exists and name and birth date are exactly the registry's. Kept as the baseline
 * the matcher is measured against (`npm run eval:match`); workers use the real engine.
 */
export function exactMatcher(models: Models) {
  return async (records: DoseRecordInput[]): Promise<MatchResult[]> => {
    const ids = [...new Set(records.map((r) => r.idNumber.trim()).filter(Boolean))];
    // Equality lookups, not one $in: FerretDB pushes equality down to PostgreSQL but scans
    // the whole collection for $in. On MongoDB both use the unique index.
    const found = await mapLimit(ids, 8, (personalId) =>
      models.Citizen.findOne({ personalId }, { _id: 0, personalId: 1, fullName: 1, dateOfBirth: 1 }).lean());
    const byId = new Map(found.filter((c) => c !== null).map((c) => [c.personalId, c]));
    return records.map((r): MatchResult => {
      const nat = r.nationality.trim().toUpperCase();
      if (nat && !['VN', 'VNM', 'VIỆT NAM', 'VIET NAM'].includes(nat)) {
        return { recordId: r.recordId, outcome: 'exempt', score: 0, reason: 'foreign national' };
      }
      if (!r.fullName.trim()) return { recordId: r.recordId, outcome: 'invalid', score: 0, reason: 'no name' };
      const c = byId.get(r.idNumber.trim());
      const same = (a: string, b: string) => a.normalize('NFC').trim().toLowerCase() === b.normalize('NFC').trim().toLowerCase();
      if (c && same(c.fullName, r.fullName) && same(c.dateOfBirth, r.dateOfBirth)) {
        return { recordId: r.recordId, outcome: 'verified', personalId: c.personalId, score: 1 };
      }
      return { recordId: r.recordId, outcome: 'not_found', score: 0, reason: 'no exact registry match' };
    });
  };
}
