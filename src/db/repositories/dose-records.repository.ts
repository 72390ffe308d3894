import type { DoseRecordDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { projectionOf } from './query.js';

/*
 * Reads of dose records by their natural key (`_id` = recordId) and by the ID number they were
 * entered with (index { idNumber }). Their writes are the importer's, the corrections' and a
 * transfer's (transferRecord) only.
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

export interface Transfer { from: string; to: string; sub: string; reason: string; at: Date }

/**
 * Move a record to another commune in one conditional update: only while it is still in `from`,
 * at `version` (a record without the field counts as 0) and held by no correction awaiting the
 * sign-off. The version goes up (a worksheet exported before is stale) and so does `importVersion`,
 * so a record the import wrote last stays one the import may update; the move is pushed to the
 * record's own `transfers` by the same write. The moved record's commune and version, or null
 * when a condition failed (transferRefusal says which).
 */
export async function transferRecord(store: Store, recordId: string, version: number, t: Transfer): Promise<{ version: number } | null> {
  const res = await modelsOf(store).DoseRecord.findOneAndUpdate(
    { _id: recordId, communeCode: t.from, version: version === 0 ? { $in: [0, null] } : version, openCorrection: null },
    { $set: { communeCode: t.to, updatedAt: t.at }, $inc: { version: 1, importVersion: 1 }, $push: { transfers: { ...t, version: version + 1 } } },
    { projection: { _id: 0, version: 1 }, returnDocument: 'after', timestamps: false },
  ).lean<{ version: number } | null>();
  return res ? { version: res.version } : null;
}
