import { describe, expect, it } from 'vitest';
import { InMemoryRegistry, matchRecordSync } from '../../../src/domain/matching/index.js';
import type { Corrections, Outcome } from '../../../src/domain/records.js';
import { CITIZENS, dose } from './registry-fixture.js';

const registry = InMemoryRegistry.fromCitizens(CITIZENS);

interface Case {
  name: string;
  record: Parameters<typeof dose>[0];
  outcome: Outcome;
  personalId?: string;
  corrections?: Corrections;
  candidates?: string[];
}

const HOA = '001080012345';

const cases: Case[] = [
  // verified: every entered field agrees, formatting aside
  { name: 'everything right', record: {}, outcome: 'verified', personalId: HOA },
  { name: 'old-style tone placement (Hoà)', record: { fullName: 'Nguyễn Văn Hoà' }, outcome: 'verified', personalId: HOA },
  { name: 'case, spacing, NFD', record: { fullName: ' NGUYỄN  VĂN  HÒA '.normalize('NFD') }, outcome: 'verified', personalId: HOA },
  { name: 'missing sex is not a disagreement', record: { gender: '' }, outcome: 'verified', personalId: HOA },
  { name: 'ID typed with spaces', record: { idNumber: '001 080 012 345' }, outcome: 'verified', personalId: HOA },
  { name: 'ISO date and "male"', record: { dateOfBirth: '1980-05-12', gender: 'male' }, outcome: 'verified', personalId: HOA },
  { name: 'nationality Việt Nam', record: { nationality: 'Việt Nam' }, outcome: 'verified', personalId: HOA },
  { name: 'tone placement thuý/thúy', record: { fullName: 'Đặng Thị Thúy', dateOfBirth: '30/11/1985', gender: 'Nữ', idNumber: '079185044444', communeCode: '26734' }, outcome: 'verified', personalId: '079185044444' },
  { name: 'registry has the year only', record: { fullName: 'Huỳnh Văn Tư', dateOfBirth: '03/04/1940', idNumber: '079140055555', communeCode: '26734' }, outcome: 'verified', personalId: '079140055555' },

  // corrected: one person, some fields wrong
  { name: 'no diacritics', record: { fullName: 'Nguyen Van Hoa' }, outcome: 'corrected', personalId: HOA, corrections: { fullName: 'Nguyễn Văn Hòa' } },
  { name: 'day/month swapped', record: { dateOfBirth: '05/12/1980' }, outcome: 'corrected', personalId: HOA, corrections: { dateOfBirth: '1980-05-12' } },
  { name: 'year-only birth date', record: { dateOfBirth: '1980' }, outcome: 'corrected', personalId: HOA, corrections: { dateOfBirth: '1980-05-12' } },
  { name: '01/01 placeholder', record: { dateOfBirth: '01/01/1980' }, outcome: 'corrected', personalId: HOA, corrections: { dateOfBirth: '1980-05-12' } },
  { name: 'birth date wholly wrong, ID and name right', record: { dateOfBirth: '03/09/1975' }, outcome: 'corrected', personalId: HOA, corrections: { dateOfBirth: '1980-05-12' } },
  { name: 'leading zeros lost', record: { idNumber: '1080012345' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'adjacent digits transposed', record: { idNumber: '001080012354' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'one digit wrong', record: { idNumber: '001080019345' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'one digit too many', record: { idNumber: '0010800123455' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'old CMND number entered', record: { idNumber: '012345678' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'no ID number', record: { idNumber: '' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA } },
  { name: 'wrong sex', record: { gender: 'Nữ' }, outcome: 'corrected', personalId: HOA, corrections: { gender: 'male' } },
  { name: 'transposed ID and swapped date', record: { idNumber: '001080012354', dateOfBirth: '05/12/1980' }, outcome: 'corrected', personalId: HOA, corrections: { idNumber: HOA, dateOfBirth: '1980-05-12' } },

  // the relative's-ID trap: never correct the name to the ID holder's
  {
    name: "mother's ID for her son: linked to the son by name and birth date",
    record: { fullName: 'Nguyễn Minh Khoa', dateOfBirth: '20/09/2005', idNumber: '001155012346' },
    outcome: 'corrected',
    personalId: '001205067890',
    corrections: { idNumber: '001205067890' },
  },
  {
    name: "mother's ID, son's name typed without diacritics: still the son",
    record: { fullName: 'Nguyen Minh Khoa', dateOfBirth: '20/09/2005', gender: '', idNumber: '001155012346' },
    outcome: 'corrected',
    personalId: '001205067890',
    corrections: { idNumber: '001205067890', fullName: 'Nguyễn Minh Khoa', gender: 'male' },
  },
  {
    name: "relative's ID, the person is not in the registry: review",
    record: { fullName: 'Nguyễn Thị Hồng', dateOfBirth: '14/02/1978', gender: 'Nữ', idNumber: '001155012346' },
    outcome: 'review',
    candidates: ['001155012346'],
  },
  {
    name: "twin's ID (unrelated numbers): review, not the twin",
    record: { fullName: 'Phạm Văn An', dateOfBirth: '15/01/1995', idNumber: '001095077777', communeCode: '00003' },
    outcome: 'review',
    candidates: ['001095033331', '001095077777'],
  },
  {
    name: "twin's ID one digit from her own: her own",
    record: { fullName: 'Võ Thị Hoa', dateOfBirth: '02/02/1998', gender: 'Nữ', idNumber: '001198055551', communeCode: '00003' },
    outcome: 'corrected',
    personalId: '001198055550',
    corrections: { idNumber: '001198055550' },
  },
  {
    name: 'same name and birth date in the commune, no ID: review',
    record: { fullName: 'Lê Thị Mai', dateOfBirth: '07/07/1990', gender: 'Nữ', idNumber: '', communeCode: '00002' },
    outcome: 'review',
    candidates: ['001190011111', '001190022222'],
  },
  {
    name: 'same name and birth date, one ID given: that one',
    record: { fullName: 'Lê Thị Mai', dateOfBirth: '07/07/1990', gender: 'Nữ', idNumber: '001190022222', communeCode: '00002' },
    outcome: 'verified',
    personalId: '001190022222',
  },
  {
    name: "twin's ID, names differ by one diacritic (Hưng/Hùng): review",
    record: { fullName: 'Nguyễn Đức Hùng', dateOfBirth: '20/07/1956', idNumber: '001056498729', communeCode: '00004' },
    outcome: 'review',
    candidates: ['001056498729', '001056498730'],
  },
  {
    name: 'given name spelled by ear, near ID, no other fit: review',
    record: { fullName: 'Trần Thị Lann', dateOfBirth: '02/03/1954', gender: 'Nữ', idNumber: '001155012364' },
    outcome: 'review',
    candidates: ['001155012346'],
  },
  {
    name: 'given name spelled by ear (Lann), ID right: corrected',
    record: { fullName: 'Trần Thị Lann', dateOfBirth: '02/03/1955', gender: 'Nữ', idNumber: '001155012346' },
    outcome: 'corrected',
    personalId: '001155012346',
    corrections: { fullName: 'Trần Thị Lan' },
  },
  {
    // The second block (name with the given name masked, with the birth date) finds her.
    name: 'given name misspelt, no ID, full date and commune: corrected',
    record: { fullName: 'Trần Thị Lann', dateOfBirth: '02/03/1955', gender: 'Nữ', idNumber: '' },
    outcome: 'corrected',
    personalId: '001155012346',
    corrections: { idNumber: '001155012346', fullName: 'Trần Thị Lan' },
  },
  {
    name: 'given name misspelt, no ID, another commune: review',
    record: { fullName: 'Trần Thị Lann', dateOfBirth: '02/03/1955', gender: 'Nữ', idNumber: '', communeCode: '00009' },
    outcome: 'review',
    candidates: ['001155012346'],
  },
  {
    name: "son's ID on his namesake father's record: review",
    record: { fullName: 'Nguyễn Hoàng Anh', dateOfBirth: '01/01/1960', idNumber: '001080452203', communeCode: '00005' },
    outcome: 'review',
    candidates: ['001060046285', '001080452203'],
  },
  {
    name: "father's own ID and birth date: his, although his son has the same name",
    record: { fullName: 'Nguyễn Hoàng Anh', dateOfBirth: '08/10/1960', idNumber: '001060046285', communeCode: '00005' },
    outcome: 'verified',
    personalId: '001060046285',
  },
  { name: 'ID right, given name different', record: { fullName: 'Nguyễn Văn Hải' }, outcome: 'review', candidates: [HOA] },
  // Outside the home commune, a name and birth date alone also fit someone the registry does
  // not hold: review (issue 19; issue 12 linked it when nobody else fitted).
  {
    name: 'no ID, name and full date right, another commune, nobody else fits: review',
    record: { idNumber: '', communeCode: '00009' },
    outcome: 'review',
    candidates: [HOA],
  },
  {
    name: 'registry knows only the year, no ID, home commune, the only one of that name and year: linked',
    record: { fullName: 'Huỳnh Văn Tư', dateOfBirth: '03/04/1940', idNumber: '', communeCode: '26734' },
    outcome: 'corrected',
    personalId: '079140055555',
    corrections: { idNumber: '079140055555' },
  },
  {
    name: 'registry knows only the year, no ID, another commune: review',
    record: { fullName: 'Huỳnh Văn Tư', dateOfBirth: '03/04/1940', idNumber: '', communeCode: '00001' },
    outcome: 'review',
    candidates: ['079140055555'],
  },
  {
    name: 'no ID, year only, home commune: linked, date corrected',
    record: { idNumber: '', dateOfBirth: '1980' },
    outcome: 'corrected',
    personalId: HOA,
    corrections: { idNumber: HOA, dateOfBirth: '1980-05-12' },
  },
  { name: 'no ID, year only, another commune: review', record: { idNumber: '', dateOfBirth: '1980', communeCode: '00009' }, outcome: 'review', candidates: [HOA] },

  // no registry lookup
  { name: 'foreign passport', record: { fullName: 'John Smith', idNumber: 'C1234567', nationality: 'USA', gender: 'M' }, outcome: 'exempt' },
  { name: 'Korean passport, numeric', record: { fullName: 'Kim Min Jun', idNumber: 'M12345678', nationality: 'KOR' }, outcome: 'exempt' },
  { name: 'passport, nationality empty, no citizen fits', record: { fullName: 'Anna Müller', idNumber: 'C9876543', nationality: '' }, outcome: 'exempt' },
  { name: 'nationality entered wrong, ID right', record: { nationality: 'Kinh' }, outcome: 'verified', personalId: HOA },
  { name: 'foreign nationality, CMND-like number, no citizen', record: { fullName: 'Kim Min Jun', dateOfBirth: '03/03/1970', idNumber: '512345678', nationality: 'KOR' }, outcome: 'exempt' },
  { name: 'foreign nationality, no number, no citizen', record: { fullName: 'Kim Min Jun', idNumber: '', nationality: 'KOR' }, outcome: 'not_found' },
  { name: 'no name', record: { fullName: '   ' }, outcome: 'invalid' },
  { name: 'no birth date and no ID', record: { dateOfBirth: '', idNumber: '' }, outcome: 'invalid' },
  { name: 'nobody like this', record: { fullName: 'Bùi Quang Vinh', dateOfBirth: '01/06/1970', idNumber: '' }, outcome: 'not_found' },
  { name: 'unknown ID and unknown person', record: { fullName: 'Bùi Quang Vinh', dateOfBirth: '01/06/1970', idNumber: '001070099999' }, outcome: 'not_found' },
];

describe('matchRecordSync decisions', () => {
  it.each(cases)('$name → $outcome', (c) => {
    const result = matchRecordSync(dose(c.record), registry);
    expect(result.outcome).toBe(c.outcome);
    if (c.personalId) expect(result.personalId).toBe(c.personalId);
    if (c.outcome === 'corrected') expect(result.corrections).toEqual(c.corrections);
    if (c.outcome === 'verified') expect(result.corrections).toBeUndefined();
    if (c.outcome === 'review') {
      expect(result.personalId).toBeUndefined();
      expect(result.candidates?.map((x) => x.personalId).sort()).toEqual([...(c.candidates ?? [])].sort());
    }
    if (c.outcome === 'exempt' || c.outcome === 'invalid' || c.outcome === 'not_found') {
      expect(result.personalId).toBeUndefined();
      expect(result.reason).toBeTruthy();
    }
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('never corrects a name to the ID holder whose name clearly differs', () => {
    const result = matchRecordSync(dose({ fullName: 'Nguyễn Thị Hồng', dateOfBirth: '14/02/1978', idNumber: '001155012346' }), registry);
    expect(result.corrections?.fullName).toBeUndefined();
    expect(result.reason).toMatch(/another citizen/);
  });

  it('a namesake whose real 1 January fits the 01/01 placeholder does not outweigh the ID owner', () => {
    const owner = { personalId: '056071151561', fullName: 'Nguyễn Văn Bình', dateOfBirth: '1971', gender: 'male' as const, communeCode: '22639' };
    const namesake = { ...owner, personalId: '072071264418', dateOfBirth: '1971-01-01', communeCode: '25468' };
    const small = InMemoryRegistry.fromCitizens([owner, namesake]);
    const result = matchRecordSync(
      dose({ fullName: 'Nguyễn Văn Bình', dateOfBirth: '01/01/1971', idNumber: owner.personalId, communeCode: '22639' }),
      small,
    );
    expect(result).toMatchObject({ outcome: 'verified', personalId: owner.personalId });
  });

  it('keeps personal data out of reasons', () => {
    for (const c of cases) {
      const result = matchRecordSync(dose(c.record), registry);
      expect(result.reason ?? '').not.toMatch(/\d{6,}|Nguyễn|Hòa/);
    }
  });
});
