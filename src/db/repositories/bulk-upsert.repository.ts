import type { Collection } from 'mongoose';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { duplicateKeyIndexes } from './query.js';

type Document = Record<string, unknown>;

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The collections filled from files: the registry, dose records and administrative units. */
export type UpsertTarget = 'Citizen' | 'DoseRecord' | 'Locality';

/** Upsert rows of a file into `target` by their natural key (see upsertByKey). */
export function upsertRows(store: Store, target: UpsertTarget, key: string, fields: readonly string[], docs: Document[]): Promise<UpsertCounts> {
  return upsertByKey(modelsOf(store)[target].collection, key, fields, docs);
}

/**
 * Upsert documents by a natural key in two round trips at most: insert the batch
 * unordered (the common case on a first import), then for the keys the unique index refused,
 * one bulk of conditional updates that match only when a field differs. Nothing is read back
 * and a re-run modifies nothing. `fields` lists every field a document may have, so that a
 * value removed from the file is removed from the stored document too.
 */
async function upsertByKey(collection: Collection, key: string, fields: readonly string[], docs: Document[]): Promise<UpsertCounts> {
  if (docs.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const now = new Date();
  const rows = docs.map((d) => ({ ...present(d), createdAt: now, updatedAt: now }));
  const duplicates = await insertNew(collection, rows);
  const counts: UpsertCounts = { inserted: docs.length - duplicates.length, updated: 0, unchanged: 0 };
  if (duplicates.length === 0) return counts;
  const ops = duplicates.map((i) => ({ updateOne: changedOnly(key, fields, docs[i]!, now) }));
  const res = await collection.bulkWrite(ops as never, { ordered: false });
  counts.updated = res.modifiedCount;
  counts.unchanged = duplicates.length - res.modifiedCount;
  return counts;
}

/** Insert unordered; return the indexes refused as duplicate keys. Any other error is thrown (retryable). */
async function insertNew(collection: Collection, rows: Document[]): Promise<number[]> {
  try {
    await collection.insertMany(rows, { ordered: false });
    return [];
  } catch (err) {
    const duplicates = duplicateKeyIndexes(err);
    if (!duplicates) throw err;
    return duplicates;
  }
}

/**
 * An update of `doc` by key alone (the unique index serves it). Setting identical values
 * modifies nothing, so `modifiedCount` counts real changes only; `updatedAt` therefore stays
 * the time of the first import.
 */
function changedOnly(key: string, fields: readonly string[], doc: Document, _now: Date) {
  const $set: Document = {};
  const $unset: Document = {};
  for (const f of fields) {
    if (f === key) continue;
    const v = doc[f];
    if (v === undefined || v === null) $unset[f] = '';
    else $set[f] = v;
  }
  const update = Object.keys($unset).length ? { $set, $unset } : { $set };
  return { filter: { [key]: doc[key] }, update };
}

/** The fields that have a value: empty ones are left out (and `$unset` on update), never stored as null. */
function present(doc: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(doc)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}
