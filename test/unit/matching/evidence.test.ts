import { PassThrough } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InMemoryRegistry, matchRecordsSync } from '../../../src/domain/matching/index.js';
import { evidenceText } from '../../../src/domain/i18n/evidence.js';
import { headerKey, type WorklistItem } from '../../../src/domain/corrections/worksheet.js';
import { writeWorksheetCsv } from '../../../src/corrections/worksheet-files.js';
import type { Citizen, DoseRecordInput, MatchResult } from '../../../src/domain/records.js';

/** Fictional people and numbers. A household of commune 00001, a man of the same name and date elsewhere. */
const CITIZENS: Citizen[] = [
  { personalId: '001070011111', fullName: 'Đỗ Văn Thành', dateOfBirth: '1970-03-04', gender: 'male', communeCode: '00001' },
  { personalId: '001172022222', fullName: 'Bùi Thị Hạnh', dateOfBirth: '1972-08-19', gender: 'female', communeCode: '00001' },
  { personalId: '001298033333', fullName: 'Đỗ Minh Quân', dateOfBirth: '1998-11-02', gender: 'male', communeCode: '00001' },
  // His brother: a near name and date, in the same household.
  { personalId: '001200044444', fullName: 'Đỗ Minh Quang', dateOfBirth: '2000-11-20', gender: 'male', communeCode: '00001' },
  { personalId: '002072055555', fullName: 'Bùi Thị Hạnh', dateOfBirth: '1972-08-19', gender: 'female', communeCode: '00777' },
];
const registry = InMemoryRegistry.fromCitizens(CITIZENS);

let n = 0;
function dose(fullName: string, dateOfBirth: string, idNumber: string, gender = 'Nam', communeCode = '00001'): DoseRecordInput {
  return { recordId: `E${++n}`, fullName, dateOfBirth, gender, idNumber, nationality: 'VN', communeCode };
}
const one = (d: DoseRecordInput): MatchResult => matchRecordsSync([d], registry)[0]!;

describe('evidence on every result (issue 31)', () => {
  it('says which fields agree, which are missing, and how many share the name and date', () => {
    const r = one(dose('Đỗ Văn Thành', '04/03/1970', ''));
    expect(r).toMatchObject({ outcome: 'corrected', personalId: '001070011111' });
    expect(r.evidence).toMatchObject({ rule: 'name_dob', id: { s: 'missing', w: 0 }, name: { s: 'agree', l: 'exact', w: 8 }, same: [0, 0] });
    expect(evidenceText(r.evidence)).toBe(
      'Họ tên, ngày sinh, giới tính và xã khớp; không có số định danh; trong xã có 1 người trùng tên và ngày sinh, nơi khác 0; ' +
        'ghép theo họ tên và ngày sinh đầy đủ, duy nhất; điểm họ tên +8, ngày sinh +7, giới tính +1, xã +2; tổng 18',
    );
  });

  it('names the runner-up by a masked ID only, and why it lost', () => {
    // No ID, the name and date of two women: one at home, one elsewhere. Both fit: review.
    const r = one(dose('Bùi Thị Hạnh', '19/08/1972', '', 'Nữ'));
    expect(r.outcome).toBe('review');
    expect(r.evidence?.ru).toEqual({ id: '0020******55', w: 16, lost: 'tie' });
    expect(JSON.stringify(r.evidence)).not.toContain('002072055555');
    expect(JSON.stringify(r.evidence)).not.toContain('Bùi');
    expect(evidenceText(r.evidence)).toContain('trong xã có 1 người trùng tên và ngày sinh, nơi khác 1');
    expect(evidenceText(r.evidence)).toContain('người gần nhất tiếp theo 0020******55 (điểm 16): phù hợp ngang nhau');
  });

  it('is there on records decided without a citizen too', () => {
    const results = matchRecordsSync([dose('', '1980', ''), dose('Phan Văn Không', '01/02/1961', '')], registry);
    expect(results.map((r) => r.evidence?.rule)).toEqual(['invalid', 'no_candidate']);
    expect(evidenceText(results[1]!.evidence)).toBe('Không có công dân nào gần giống');
  });
});

describe("a relative's ID", () => {
  it('links the record to its own person when name, date and household agree, and proposes their ID', () => {
    // The son's record typed with his brother's ID: the brother's name and date are near, not his.
    const r = one(dose('Đỗ Minh Quân', '02/11/1998', '001200044444'));
    expect(r).toMatchObject({ outcome: 'corrected', personalId: '001298033333', corrections: { idNumber: '001298033333' } });
    expect(r.evidence).toMatchObject({ rule: 'relative_id', ru: { id: '0012******44', lost: 'name' } });
    expect(evidenceText(r.evidence)).toContain('số định danh đã nhập là của người thân cùng hộ');
  });

  it("never touches the relative, and leaves twins (the owner's date agrees) to people", () => {
    const twin = one(dose('Đỗ Minh Quân', '20/11/2000', '001200044444'));
    expect(twin.personalId).not.toBe('001298033333');
    // The mother's ID on the father's record: the father is linked, nothing is asked of the mother.
    const r = one(dose('Đỗ Văn Thành', '04/03/1970', '001172022222'));
    expect(r).toMatchObject({ personalId: '001070011111', corrections: { idNumber: '001070011111' } });
  });

  it('is not taken away from the household: another commune asks for people', () => {
    const r = one(dose('Đỗ Minh Quân', '02/11/1998', '001200044444', 'Nam', '00009'));
    expect(r.outcome).not.toBe('corrected');
  });
});

describe('an ID-less record with a coarse date', () => {
  const reg = InMemoryRegistry.fromCitizens([
    { personalId: '001163011111', fullName: 'Nguyễn Thị Hoa', dateOfBirth: '1963', gender: 'female', communeCode: '00001' },
    { personalId: '083163022222', fullName: 'Nguyễn Thị Hoa', dateOfBirth: '1963-05-09', gender: 'female', communeCode: '29000' },
    // Registry namesakes: the same registry date, one at home, one elsewhere.
    { personalId: '001170033333', fullName: 'Lê Thị Xuân', dateOfBirth: '1970', gender: 'female', communeCode: '00001' },
    { personalId: '083170044444', fullName: 'Lê Thị Xuân', dateOfBirth: '1970', gender: 'female', communeCode: '29000' },
  ]);
  it('links the citizen of the commune when the one elsewhere has another registry date', () => {
    const r = matchRecordsSync([dose('Nguyễn Thị Hoa', '1963', '', 'Nữ')], reg)[0]!;
    expect(r).toMatchObject({ outcome: 'corrected', personalId: '001163011111', evidence: { rule: 'name_coarse_date', ru: { id: '0831******22' } } });
  });
  it('leaves registry namesakes and a missing sex to people', () => {
    const [namesakes, noSex] = matchRecordsSync([dose('Lê Thị Xuân', '1970', '', 'Nữ'), dose('Nguyễn Thị Hoa', '1963', '', '')], reg);
    expect(namesakes!.outcome).toBe('review');
    expect(noSex!.outcome).toBe('review');
  });
});

describe('the worksheet export', () => {
  it('has the evidence column, in Vietnamese, with the runner-up masked', async () => {
    const r = one(dose('Bùi Thị Hạnh', '19/08/1972', '', 'Nữ'));
    const item: WorklistItem = {
      recordId: r.recordId, communeCode: '00001', version: 1, roundId: 'verification-00001-1', outcome: r.outcome, reason: r.reason!,
      entered: { idNumber: '', fullName: 'Bùi Thị Hạnh', dateOfBirth: '19/08/1972', gender: 'Nữ', nationality: 'VN' },
      candidates: r.candidates!, evidence: r.evidence!, correctionPending: false,
    };
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeWorksheetCsv(out, (async function* () { yield item; })());
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv.split('\r\n')[0]).toContain('Căn cứ đối chiếu');
    const [, row] = parseCsv(csv, { columns: (hd: string[]) => hd.map(headerKey), bom: true }) as Record<string, string>[];
    expect(row!.evidence).toBe(evidenceText(r.evidence));
    expect(row!.evidence).toMatch(/^Họ tên, ngày sinh, giới tính và xã khớp; không có số định danh; trong xã có 1 người trùng tên và ngày sinh, nơi khác 1; nhiều công dân phù hợp như nhau; người gần nhất tiếp theo 0020\*{6}55/);
  });
});
