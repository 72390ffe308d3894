import type { Store } from '../db/store.js';
import { readDoseRecord } from '../db/repositories/dose-records.repository.js';
import { correctionsOf } from '../db/repositories/corrections.repository.js';
import { resultsOf } from '../db/repositories/worklist.repository.js';
import { NotFoundError } from '../lib/errors/index.js';
import { maskId } from '../lib/mask.js';
import { evidenceText } from '../domain/i18n/evidence.js';
import { facilityNames } from '../facilities/facilities.service.js';

/** Every result (all rounds) and every correction of a record, oldest first. */
export async function recordHistory(store: Store, recordId: string) {
  const record = await readDoseRecord(store, recordId, [
    'communeCode', 'version', 'idNumber', 'dateOfBirth', 'gender', 'nationality', 'facilityId', 'vaccinatedAt', 'doseNumber', 'vaccine',
  ]);
  if (!record) throw new NotFoundError(`record ${recordId} not found`);
  const [results, corrections, facilities] = await Promise.all([resultsOf(store, recordId), correctionsOf(store, recordId), facilityNames(store, [record.facilityId])]);
  const events = [
    // The evidence in words, both languages (the page shows its own): the same sentence as the worksheet's.
    ...results.map(({ createdAt, updatedAt: _u, ...r }) => ({
      type: 'result' as const, at: createdAt, ...r,
      ...(r.evidence ? { evidenceText: { vi: evidenceText(r.evidence, 'vi'), en: evidenceText(r.evidence, 'en') } } : {}),
    })),
    ...corrections.map(({ createdAt, updatedAt: _u, _id, ...c }) => ({ type: 'correction' as const, at: createdAt, id: String(_id), ...c })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  // What the police compare a change against: the record as it stands, its ID masked (the change itself shows the values).
  const summary = {
    idNumber: maskId(record.idNumber), dateOfBirth: record.dateOfBirth ?? '', gender: record.gender ?? '', nationality: record.nationality ?? '',
    facilityId: record.facilityId ?? '', facilityName: (record.facilityId && facilities.get(record.facilityId)) || '', vaccinatedAt: record.vaccinatedAt ?? '', doseNumber: record.doseNumber ?? null, vaccine: record.vaccine ?? '',
  };
  return { recordId, communeCode: record.communeCode, version: record.version ?? 0, record: summary, events };
}
