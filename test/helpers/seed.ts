import type { Models } from '../../src/db/models/index.js';
import { storeOf } from '../../src/db/open-store.js';
import { markRegistryChanged } from '../../src/db/repositories/registry-snapshot.repository.js';
import { citizenKeys } from '../../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../../src/domain/records.js';

/** A tiny administrative tree: province 01 › district 001 › communes 00001, 00004, 00006, 00007. */
export const TEST_COMMUNES = ['00001', '00004', '00006', '00007'] as const;

export async function seedLocalities(models: Models): Promise<void> {
  const units = [
    { code: '01', name: 'Thành phố Hà Nội', type: 'Thành phố Trung ương', level: 'province', parentCode: null, provinceCode: '01', districtCode: null },
    { code: '001', name: 'Quận Ba Đình', type: 'Quận', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '001' },
    ...TEST_COMMUNES.map((code) => ({ code, name: `Phường ${code}`, type: 'Phường', level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' })),
  ] as const;
  await models.Locality.bulkWrite(units.map((u) => ({ updateOne: { filter: { code: u.code }, update: { $set: u }, upsert: true } })));
}

/** Province 02 › district 024 › commune 00100: somewhere else than the test communes' province. */
export const OTHER_PROVINCE_COMMUNE = '00100';

export async function seedOtherProvince(models: Models): Promise<void> {
  await models.Locality.insertMany([
    { code: '02', name: 'Tỉnh Hà Giang', type: 'Tỉnh', level: 'province', parentCode: null, provinceCode: '02', districtCode: null },
    { code: '024', name: 'Thành phố Hà Giang', type: 'Thành phố', level: 'district', parentCode: '02', provinceCode: '02', districtCode: '024' },
    { code: OTHER_PROVINCE_COMMUNE, name: 'Phường Quang Trung', type: 'Phường', level: 'commune', parentCode: '024', provinceCode: '02', districtCode: '024' },
  ]);
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Ngọc'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hoà', 'Lan', 'Minh', 'Thuý'];

/** Deterministic people for a commune: `n` citizens with valid-looking 12-digit IDs. */
export function makeCitizens(communeCode: string, n: number): Citizen[] {
  const out: Citizen[] = [];
  for (let i = 0; i < n; i++) {
    const year = 1940 + ((i * 7) % 80);
    const female = i % 2 === 1;
    const centurySex = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
    const serial = String(Number(communeCode) * 10_000 + i).padStart(6, '0').slice(-6);
    out.push({
      personalId: `001${centurySex}${String(year % 100).padStart(2, '0')}${serial}`,
      fullName: `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i >> 1) % MIDDLE.length]} ${GIVEN[(i >> 2) % GIVEN.length]}`,
      dateOfBirth: `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      gender: female ? 'female' : 'male',
      communeCode,
    });
  }
  return out;
}

/** One dose record per citizen, entered exactly as the registry has it. */
export function makeDoses(citizens: Citizen[], prefix: string): DoseRecordInput[] {
  return citizens.map((c, i) => ({
    recordId: `${prefix}-${String(i).padStart(6, '0')}`,
    fullName: c.fullName,
    dateOfBirth: c.dateOfBirth,
    gender: c.gender === 'female' ? 'Nữ' : 'Nam',
    idNumber: c.personalId,
    nationality: 'VN',
    communeCode: c.communeCode,
    vaccine: 'Comirnaty',
    doseNumber: 1,
    vaccinatedAt: '2021-09-01',
  }));
}

export async function insertCitizens(models: Models, citizens: Citizen[]): Promise<void> {
  await models.Citizen.insertMany(
    citizens.map((c) => ({ ...c, ...citizenKeys(c) })),
    { ordered: false },
  );
  // Like the citizens importer: workers holding a registry snapshot reload it.
  await markRegistryChanged(storeOf(models));
}

export async function insertDoses(models: Models, doses: DoseRecordInput[]): Promise<void> {
  for (let i = 0; i < doses.length; i += 2000) {
    await models.DoseRecord.insertMany(doses.slice(i, i + 2000), { ordered: false });
  }
}
