import type { Citizen, DoseRecordInput } from '../../src/domain/records.js';

/** The communes of the tiny administrative tree (fixtures.ts seedLocalities): province 01 › district 001 › these. Pure data makers only here; writes are in fixtures.ts. */
export const TEST_COMMUNES = ['00001', '00004', '00006', '00007'] as const;

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
