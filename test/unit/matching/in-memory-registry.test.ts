import { describe, expect, it } from 'vitest';
import { CitizenIndex, InMemoryRegistry, toRegistryCitizen } from '../../../src/domain/matching/index.js';
import type { Citizen } from '../../../src/domain/records.js';

const lan: Citizen = { personalId: '001155012346', fullName: 'Trần Thị Lan', dateOfBirth: '1955-03-02', gender: 'female', communeCode: '00001', oldIdNumber: '012345678' };

function many(n: number): Citizen[] {
  return Array.from({ length: n }, (_, i) => ({
    personalId: `0010${String(80 + (i % 20)).padStart(2, '0')}${String(i).padStart(6, '0')}`,
    fullName: i % 2 ? 'Nguyễn Văn An' : 'Lê Thị Mai',
    dateOfBirth: `19${80 + (i % 20)}-01-15`,
    gender: i % 2 ? 'male' : 'female',
    communeCode: String(10000 + (i % 7)),
  }));
}

describe('InMemoryRegistry (column-wise)', () => {
  it('gives back the citizen it was given, with its keys', () => {
    const registry = InMemoryRegistry.fromCitizens([lan]);
    expect(registry.byPersonalId('001155012346')).toEqual({
      ...lan, nameKey: 'tran thi lan', birthYear: 1955, normalizedName: 'trần thị lan', birthDate: { year: 1955, month: 3, day: 2, precision: 'day' },
    });
    expect(registry.byOldId('012345678')?.personalId).toBe('001155012346');
    expect(registry.byNameYear('tran thi lan', 1955).map((c) => c.personalId)).toEqual(['001155012346']);
  });

  it('parses each registry birth date once and hands it with the citizen (the scorer does not look it up per candidate)', () => {
    const yearOnly = { ...lan, personalId: '001160000001', oldIdNumber: undefined, dateOfBirth: '1960' };
    const sameYear = { ...yearOnly, personalId: '001160000002', fullName: 'Lê Văn Nam' };
    const registry = InMemoryRegistry.fromCitizens([yearOnly, sameYear, { ...lan, personalId: '001160000003', oldIdNumber: undefined, dateOfBirth: 'not a date' }]);
    const a = registry.byPersonalId('001160000001')!;
    expect(a.birthDate).toEqual({ year: 1960, precision: 'year' });
    expect(registry.byPersonalId('001160000002')!.birthDate).toBe(a.birthDate);
    expect(registry.byPersonalId('001160000003')!.birthDate).toBeNull();
  });

  it.each([
    ['unknown ID', (r: InMemoryRegistry) => r.byPersonalId('001155012347')],
    ['not 12 digits', (r: InMemoryRegistry) => r.byPersonalId('00115501234X')],
    ['unknown old ID', (r: InMemoryRegistry) => r.byOldId('012345679')],
  ])('%s → undefined', (_case, lookup) => {
    expect(lookup(InMemoryRegistry.fromCitizens([lan]))).toBeUndefined();
  });

  it('finds nobody for another birth year or an unknown name', () => {
    const registry = InMemoryRegistry.fromCitizens([lan]);
    expect(registry.byNameYear('tran thi lan', 1956)).toEqual([]);
    expect(registry.byNameYear('tran thi hoa', 1955)).toEqual([]);
  });

  it('refuses duplicates and IDs that are not 12 digits', () => {
    const registry = new InMemoryRegistry();
    expect(registry.addCitizen(lan)).toBe(true);
    expect(registry.addCitizen({ ...lan, fullName: 'Someone Else' })).toBe(false);
    expect(registry.addCitizen({ ...lan, personalId: '12345' })).toBe(false);
    expect(registry.size).toBe(1);
  });

  it('keeps an old ID number that is not 9 digits', () => {
    const registry = InMemoryRegistry.fromCitizens([{ ...lan, oldIdNumber: '0123456789' }]);
    expect(registry.byOldId('0123456789')?.personalId).toBe(lan.personalId);
    expect(registry.byPersonalId(lan.personalId)?.oldIdNumber).toBe('0123456789');
  });

  it('stays exact across bucket growth (10,000 citizens sharing few names)', () => {
    const citizens = many(10_000);
    const registry = InMemoryRegistry.fromCitizens(citizens);
    expect(registry.size).toBe(10_000);
    for (const c of [citizens[0]!, citizens[4_321]!, citizens[9_999]!]) {
      expect(registry.byPersonalId(c.personalId)?.fullName).toBe(c.fullName);
    }
    // 'Nguyễn Văn An' born 1981: odd i with i % 20 === 1 → 500 citizens.
    expect(registry.byNameYear('nguyen van an', 1981)).toHaveLength(500);
  });
});

describe('the masked-name block (second blocking key)', () => {
  const hung: Citizen = { personalId: '001075011111', fullName: 'Nguyễn Văn Hùng', dateOfBirth: '1975-04-12', gender: 'male', communeCode: '00001' };
  const nga: Citizen = { personalId: '001150055555', fullName: 'Vũ Thị Nga', dateOfBirth: '1950', gender: 'female', communeCode: '00003' };
  const sources = [
    ['InMemoryRegistry', InMemoryRegistry.fromCitizens([hung, nga, ...many(500)])],
    ['CitizenIndex', (() => { const i = new CitizenIndex(); for (const c of [hung, nga, ...many(500)]) i.add(toRegistryCitizen(c)); return i; })()],
  ] as const;

  it.each(sources)('%s finds a citizen by each masked part and the registry date, and nobody by a near miss', (_name, source) => {
    for (const key of ['nguyen hung|1975-04-12', 'nguyen van *|1975-04-12', '* van hung|1975-04-12', 'vu thi *|1950']) {
      expect(source.byMaskedKey!(key).map((c) => c.personalId), key).toEqual([key.startsWith('vu') ? nga.personalId : hung.personalId]);
    }
    for (const key of ['nguyen hung|1975-04-13', 'nguyen van *|1975', 'nguyen van hung|1975-04-12', '* van *|1975-04-12']) {
      expect(source.byMaskedKey!(key), key).toEqual([]);
    }
  });

  it('answers the port with the masked keys too', async () => {
    const registry = InMemoryRegistry.fromCitizens([hung, ...many(50)]);
    const found = await registry.findCandidates({ personalIds: [], oldIdNumbers: [], nameYears: [], maskedKeys: ['nguyen van *|1975-04-12'] });
    expect(found.map((c) => c.personalId)).toEqual([hung.personalId]);
  });
});
