import type { DoseRecordDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { projectionOf } from './query.js';

/*
 * Reads of dose records by their natural key (`_id` = recordId) and by the ID number they were
 * entered with (index { idNumber }). Their writes are the importer's and the corrections' only.
 */

export type DoseRecordRow = DoseRecordDoc & { _id: string };
export type DoseRecordField = Exclude<keyof DoseRecordRow, '_id'>;
type Picked<K extends DoseRecordField> = Pick<DoseRecordRow, K | 'recordId'>;
const RECORD_KEY = { _id: 0, recordId: 1 } as const;

/** One record's `fields` (and recordId) by its `_id`, or null. */
export async function readDoseRecord<K extends DoseRecordField>(store: Store, recordId: string, fields: readonly K[]): Promise<Picked<K> | null> {
  return modelsOf(store).DoseRecord.findById(recordId, projectionOf(fields, RECORD_KEY)).lean<Picked<K>>();
}

/** A whole record by its `_id`, or null. */
export async function readWholeDoseRecord(store: Store, recordId: string): Promise<DoseRecordRow | null> {
  return modelsOf(store).DoseRecord.findById(recordId).lean<DoseRecordRow>();
}

/** The records entered with any of these ID or passport numbers (index { idNumber }), their `fields`. */
export async function recordsEnteredWith<K extends DoseRecordField>(store: Store, idNumbers: readonly string[], fields: readonly K[]): Promise<Picked<K>[]> {
  if (idNumbers.length === 0) return [];
  return modelsOf(store).DoseRecord.find({ idNumber: { $in: [...new Set(idNumbers)] } }, projectionOf(fields, RECORD_KEY)).lean<Picked<K>[]>();
}
