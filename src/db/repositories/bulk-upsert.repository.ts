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

/** The collections filled from files keyed by `_id`: the registry and dose records. */
export type UpsertTarget = 'Citizen' | 'DoseRecord';

/** Upsert administrative units by their code (see upsertByKey). */
export function upsertLocalities(store: Store, fields: readonly string[], docs: Document[]): Promise<UpsertCounts> {
  return upsertByKey(modelsOf(store).Locality.collection, 'code', fields, docs);
}

/** Upsert facilities of the register by their facility ID (unique index { facilityId }; see upsertByKey). */
export function upsertFacilityRows(store: Store, fields: readonly string[], docs: Document[]): Promise<UpsertCounts> {
  return upsertByKey(modelsOf(store).Facility.collection, 'facilityId', fields, docs);
}

/** Why an imported row did not overwrite the stored record. */
export type HeldReason = 'commune_change' | 'open_correction' | 'corrected';

export interface IdUpsertResult extends UpsertCounts {
  /** Rows not written, by `_id`: the stored record is under a rule the import may not override. */
  held: { id: string; reason: HeldReason; current?: string | number }[];
}

/** What a dose record's hold checks read besides the imported fields. */
const GUARD_FIELDS = ['communeCode', 'openCorrection', 'version', 'importVersion'] as const;

/**
 * Upsert rows by `_id` (the natural key). Two orders, both correct for any batch, chosen for
 * cost only (`readFirst`, the caller's guess from the previous batch):
 *  - read first (a re-import: every row exists): one `_id $in` read, then an insert of the rows
 *    not found; refused inserts would cost the store one error each;
 *  - insert first (a first import: no row exists): one unordered insert; the rows the unique
 *    `_id` refused (they exist) are read with one `_id $in` and go through the same checks.
 * Either way a stored row is never overwritten unread: only a row the store itself refused as a
 * duplicate, or one the read returned, reaches the comparison and the rules below, so a wrong
 * guess costs a round trip, never a rule. The read projects only the imported fields and the
 * hold checks' fields. Then one bulk of updates of the rows that differ, nothing written for the
 * rest (a re-import reads and compares only). Dose records (`guarded`) follow the rules of every
 * other write: a record with a correction awaiting sign-off, one corrected since the last import
 * (`version` above `importVersion`) or one in another commune is held and reported, never
 * overwritten; a written change bumps `version` (a worksheet exported before is stale: 409),
 * each update conditional on what was read.
 */
export async function upsertById(
  store: Store, target: UpsertTarget, fields: readonly string[], docs: Document[], guarded: boolean, opts: { readFirst?: boolean } = {},
): Promise<IdUpsertResult> {
  const out: IdUpsertResult = { inserted: 0, updated: 0, unchanged: 0, held: [] };
  if (docs.length === 0) return out;
  const collection = modelsOf(store)[target].collection;
  const now = new Date();
  const projection = Object.fromEntries([...fields, ...(guarded ? GUARD_FIELDS : [])].map((f) => [f, 1]));
  // One reply for the whole batch (the default first batch is 101 documents, then a getMore).
  const read = async (ids: unknown[]) => (await collection.find({ _id: { $in: ids } } as never, { projection, batchSize: ids.length }).toArray()) as Document[];
  const row = (d: Document) => ({ ...present(d), ...(guarded ? { version: 0, importVersion: 0 } : {}), createdAt: now, updatedAt: now });
  const byId = new Map<string, Document>();
  let fresh: Document[];
  if (opts.readFirst ?? true) {
    for (const d of await read(docs.map((x) => x._id))) byId.set(String(d._id), d);
    fresh = docs.filter((d) => !byId.has(String(d._id)));
  } else {
    fresh = docs;
  }
  const refused = fresh.length ? await insertNew(collection, fresh.map(row)) : [];
  out.inserted = fresh.length - refused.length;
  // Refused by the unique `_id`: stored already (or inserted by someone else since the read), compared like the others.
  if (refused.length) for (const d of await read(refused.map((i) => fresh[i]!._id))) byId.set(String(d._id), d);
  const refusedIds = new Set(refused.map((i) => String(fresh[i]!._id)));
  const inserted = new Set(fresh.map((d) => String(d._id)).filter((id) => !refusedIds.has(id)));
  const ops: unknown[] = [];
  for (const doc of docs) {
    const id = String(doc._id);
    if (inserted.has(id)) continue;
    const cur = byId.get(id);
    if (!cur) { out.unchanged++; continue; } // removed between the insert and the read: the next run inserts it
    if (sameFields(fields, doc, cur)) { out.unchanged++; continue; }
    if (guarded) {
      const version = typeof cur.version === 'number' ? cur.version : 0;
      if (cur.communeCode !== doc.communeCode) { out.held.push({ id, reason: 'commune_change', current: String(cur.communeCode) }); continue; }
      if (cur.openCorrection) { out.held.push({ id, reason: 'open_correction' }); continue; }
      if (version > (typeof cur.importVersion === 'number' ? cur.importVersion : 0)) { out.held.push({ id, reason: 'corrected', current: version }); continue; }
      const { filter, update } = changedOnly('_id', fields, doc, now);
      ops.push({ updateOne: {
        filter: { ...filter, communeCode: doc.communeCode, openCorrection: null, version: typeof cur.version === 'number' ? cur.version : null },
        update: { ...update, $set: { ...update.$set, version: version + 1, importVersion: version + 1, updatedAt: now } },
      } });
    } else {
      const { filter, update } = changedOnly('_id', fields, doc, now);
      ops.push({ updateOne: { filter, update: { ...update, $set: { ...update.$set, updatedAt: now } } } });
    }
  }
  if (ops.length) {
    const res = await collection.bulkWrite(ops as never, { ordered: false });
    out.updated = res.modifiedCount;
    // A guard that stopped matching between the read and the write (a correction claimed the record meanwhile).
    out.unchanged += ops.length - res.matchedCount;
  }
  return out;
}

/** Empty, null and absent are the same value in a file (present() drops them). */
function sameFields(fields: readonly string[], doc: Document, cur: Document): boolean {
  const norm = (v: unknown) => (v === undefined || v === null || v === '' ? null : v instanceof Date ? v.getTime() : typeof v === 'object' ? JSON.stringify(v) : v);
  return fields.every((f) => norm(doc[f]) === norm(cur[f]));
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
function changedOnly(key: string, fields: readonly string[], doc: Document, _now: Date): { filter: Document; update: { $set: Document; $unset?: Document } } {
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
