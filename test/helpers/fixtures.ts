import type { Models } from '../../src/db/models/index.js';
import { modelsOf } from '../../src/db/open-store.js';
import type { Store } from '../../src/db/store.js';
import { saveContacts, type ContactFields } from '../../src/db/repositories/contacts.repository.js';
import { markRegistryChanged } from '../../src/db/repositories/registry-snapshot.repository.js';
import type { AdminUnit } from '../../src/domain/admin-units/index.js';
import { citizenKeys } from '../../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../../src/domain/records.js';
import type { EscalationLevel } from '../../src/domain/rounds/policy.js';
import { upsertLocalities } from '../../src/imports/localities.import.js';
import { TEST_COMMUNES } from './seed.js';

/**
 * The one place tests put data into the store (issue 27, part 5): through the product's own
 * writes (repositories, the localities import) where one fits, else through `seedDocuments` /
 * `alterDocuments`, the only functions here that name a collection. Tests take a `Store` and
 * never a model, so a schema can change without touching them. Pure data makers stay in seed.ts.
 */

/** A collection tests seed directly: shapes no product write makes (a round half-way, an old escalation). */
export type SeedKind = keyof Models;

/**
 * Test-only shapes, inserted as given (the model's validation, defaults and hooks run, as a
 * product insert would; `asStored`: written exactly as given, no defaults, hooks or timestamps,
 * for seeds that set their own times). The only raw insert of the test tree. Returns the `_id`s.
 */
export async function seedDocuments(store: Store, kind: SeedKind, docs: readonly Record<string, unknown>[], opts: { asStored?: boolean } = {}): Promise<string[]> {
  const model = modelsOf(store)[kind] as unknown as {
    insertMany(d: unknown[], o: object): Promise<{ _id: unknown }[]>;
    collection: { insertMany(d: unknown[], o: object): Promise<{ insertedIds: Record<number, unknown> }> };
  };
  const ids: string[] = [];
  // 2,000 documents per round trip: small documents, well under the store's message limit.
  for (let i = 0; i < docs.length; i += 2000) {
    const batch = docs.slice(i, i + 2000) as unknown[];
    if (opts.asStored) ids.push(...Object.values((await model.collection.insertMany(batch, { ordered: false })).insertedIds).map(String));
    else ids.push(...(await model.insertMany(batch, { ordered: false })).map((d) => String(d._id)));
  }
  return ids;
}

/**
 * Test-only state: `$set` these fields on the documents matching `filter` (a round made overdue,
 * cancelled or failed on purpose) where no product write gets there in a test's time.
 */
export async function alterDocuments(store: Store, kind: SeedKind, filter: Record<string, unknown>, set: Record<string, unknown>, opts: { asStored?: boolean } = {}): Promise<void> {
  type Updater = { updateMany(f: unknown, u: unknown): Promise<unknown> };
  const model = modelsOf(store)[kind] as unknown as Updater & { collection: Updater };
  // Through the model, `updatedAt` is stamped as every product write does; `asStored` writes only what is given.
  await (opts.asStored ? model.collection : model).updateMany(filter, { $set: set });
}

const unit = (u: AdminUnit): AdminUnit => u;

/** A tiny administrative tree: province 01 › district 001 › communes 00001, 00004, 00006, 00007. */
export async function seedLocalities(store: Store): Promise<void> {
  await upsertLocalities(store, [
    unit({ code: '01', name: 'Thành phố Hà Nội', type: 'Thành phố Trung ương', level: 'province', parentCode: null, provinceCode: '01', districtCode: null }),
    unit({ code: '001', name: 'Quận Ba Đình', type: 'Quận', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '001' }),
    ...TEST_COMMUNES.map((code) => unit({ code, name: `Phường ${code}`, type: 'Phường', level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' })),
  ]);
}

/** Province 02 › district 024 › commune 00100: somewhere else than the test communes' province. */
export const OTHER_PROVINCE_COMMUNE = '00100';

export async function seedOtherProvince(store: Store): Promise<void> {
  await upsertLocalities(store, [
    unit({ code: '02', name: 'Tỉnh Hà Giang', type: 'Tỉnh', level: 'province', parentCode: null, provinceCode: '02', districtCode: null }),
    unit({ code: '024', name: 'Thành phố Hà Giang', type: 'Thành phố', level: 'district', parentCode: '02', provinceCode: '02', districtCode: '024' }),
    unit({ code: OTHER_PROVINCE_COMMUNE, name: 'Phường Quang Trung', type: 'Phường', level: 'commune', parentCode: '024', provinceCode: '02', districtCode: '024' }),
  ]);
}

/** The register's people, with their matching keys; workers holding a snapshot reload it (as after an import). */
export async function insertCitizens(store: Store, citizens: Citizen[]): Promise<void> {
  await seedDocuments(store, 'Citizen', citizens.map((c) => ({ ...c, ...citizenKeys(c) })));
  await markRegistryChanged(store);
}

export async function insertDoses(store: Store, doses: DoseRecordInput[]): Promise<void> {
  await seedDocuments(store, 'DoseRecord', doses as unknown as Record<string, unknown>[]);
}

/** Province 01 › district 001 › commune 00001, with one webhook contact per level. */
export async function seedPlaceAndContacts(store: Store, receiverUrl: string): Promise<void> {
  await upsertLocalities(store, [
    unit({ code: '01', name: 'Thành phố Hà Nội', type: 'Thành phố Trung ương', level: 'province', parentCode: null, provinceCode: '01', districtCode: null }),
    unit({ code: '001', name: 'Quận Ba Đình', type: 'Quận', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '001' }),
    unit({ code: '00001', name: 'Phường Phúc Xá', type: 'Phường', level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' }),
  ]);
  const contacts: [string, EscalationLevel][] = [['00001', 'commune'], ['001', 'district'], ['01', 'province'], ['VN', 'ministry']];
  await saveContacts(store, contacts.map(([localityCode, level]): ContactFields => ({
    localityCode, level, role: 'chairperson', name: `Chair ${level}`, webhookUrl: `${receiverUrl}/hook/${level}`, email: null,
  })));
}

/** A round of commune 00001 waiting on the locality: 100 records, 12 unresolved (a settled round, in one write). */
export async function createRound(store: Store, id: string, deadline: Date): Promise<void> {
  await seedDocuments(store, 'Round', [{
    _id: id, localityCode: '00001', kind: 'verification', seq: Number(id.split('-').pop()), status: 'awaiting_corrections', deadline,
    totalRecords: 100, processedRecords: 100, counters: { verified: 88, review: 7, not_found: 5 },
    transitions: [{ from: null, to: 'awaiting_corrections', at: new Date(), cause: 'test' }],
  }]);
}
