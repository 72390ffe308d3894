/**
 * Issue 12: each kind of entry real clerks type, as a table, with the traps (a given name
 * that is also a title, a family name that is a title, a relative's ID, namesakes in one
 * household and in two communes).
 */
import { describe, expect, it } from 'vitest';
import { InMemoryRegistry, matchRecordSync, matchRecordsSync } from '../../../src/domain/matching/index.js';
import type { Citizen, Corrections, DoseRecordInput, Outcome } from '../../../src/domain/records.js';

const HUNG = '001075011111';
const ANH = '001190022222';
const TUAN = '001088033333';
const TUNG = '001060044444';
const NGA = '001150055555';
/** Two women with the same name and birth date in one household. */
const HOA_1 = '001185066661';
const HOA_2 = '001185066662';
/** Two men with the same name and birth date in two communes. */
const QUAN_NORTH = '001092077771';
const QUAN_SOUTH = '079092077772';
/** Her son lives with her. */
const MOTHER = '001158088881';
const SON = '001206088882';
/** A father and his son: same family and given name, other middle names; the father's date is a year. */
const FATHER_DUNG = '030041496871';
const SON_DUNG = '030061431868';
/** Hoàng lives in commune 00008; Hoán, born the same day, far away. */
const HOANG = '056083105077';
const HOAN = '037083260771';
/** Issue 19: names that annotations follow, and one that ends in a kinship word. */
const THUY = '001208100001';
const HIEN = '001180100002';
const MAI_ANH = '001195100003';
const CON = '001070100004';
/** Two men named Phạm Văn Long born in 1984, in two communes: near neighbours of anyone typed so. */
const LONG_A = '001084100005';
const LONG_B = '001084100006';
/** Born in 1920: a spreadsheet day number of four digits. */
const CU = '001020100007';

const CITIZENS: Citizen[] = [
  { personalId: HUNG, fullName: 'Nguyễn Văn Hùng', dateOfBirth: '1975-04-12', gender: 'male', communeCode: '00001', oldIdNumber: '012345670' },
  { personalId: ANH, fullName: 'Lê Thị Anh', dateOfBirth: '1990-08-15', gender: 'female', communeCode: '00001' },
  { personalId: TUAN, fullName: 'Trần Anh Tuấn', dateOfBirth: '1988-03-03', gender: 'male', communeCode: '00002' },
  { personalId: TUNG, fullName: 'Ông Văn Tùng', dateOfBirth: '1960-06-06', gender: 'male', communeCode: '00003' },
  { personalId: NGA, fullName: 'Vũ Thị Nga', dateOfBirth: '1950-07', gender: 'female', communeCode: '00003' },
  { personalId: HOA_1, fullName: 'Phạm Thị Hoa', dateOfBirth: '1985-02-20', gender: 'female', communeCode: '00004' },
  { personalId: HOA_2, fullName: 'Phạm Thị Hoa', dateOfBirth: '1985-02-20', gender: 'female', communeCode: '00004' },
  { personalId: QUAN_NORTH, fullName: 'Đỗ Minh Quân', dateOfBirth: '1992-11-11', gender: 'male', communeCode: '00005' },
  { personalId: QUAN_SOUTH, fullName: 'Đỗ Minh Quân', dateOfBirth: '1992-11-11', gender: 'male', communeCode: '26734' },
  { personalId: MOTHER, fullName: 'Bùi Thị Sen', dateOfBirth: '1958-01-30', gender: 'female', communeCode: '00006' },
  { personalId: SON, fullName: 'Đinh Công Khải', dateOfBirth: '2006-10-09', gender: 'male', communeCode: '00006' },
  { personalId: FATHER_DUNG, fullName: 'Nguyễn Thế Dũng', dateOfBirth: '1941', gender: 'male', communeCode: '00007' },
  { personalId: SON_DUNG, fullName: 'Nguyễn Văn Dũng', dateOfBirth: '1961-05-05', gender: 'male', communeCode: '00007' },
  { personalId: HOANG, fullName: 'Nguyễn Văn Hoàng', dateOfBirth: '1983-02-20', gender: 'male', communeCode: '00008' },
  { personalId: HOAN, fullName: 'Nguyễn Văn Hoán', dateOfBirth: '1983-02-20', gender: 'male', communeCode: '13000' },
  { personalId: THUY, fullName: 'Bùi Thị Hồng Thúy', dateOfBirth: '2008-03-04', gender: 'female', communeCode: '00010' },
  { personalId: HIEN, fullName: 'Lâm Thị Thúy Hiền', dateOfBirth: '1980-06-07', gender: 'female', communeCode: '00010' },
  { personalId: MAI_ANH, fullName: 'Nguyễn Thị Mai Anh', dateOfBirth: '1995-01-02', gender: 'female', communeCode: '00011' },
  { personalId: CON, fullName: 'Trần Văn Con', dateOfBirth: '1970-05-05', gender: 'male', communeCode: '00012' },
  { personalId: LONG_A, fullName: 'Phạm Văn Long', dateOfBirth: '1984-10-04', gender: 'male', communeCode: '00013' },
  { personalId: LONG_B, fullName: 'Phạm Văn Long', dateOfBirth: '1984-02-02', gender: 'male', communeCode: '00014' },
  { personalId: CU, fullName: 'Đỗ Văn Cử', dateOfBirth: '1920-06-01', gender: 'male', communeCode: '00001' },
];
const registry = InMemoryRegistry.fromCitizens(CITIZENS);

let seq = 0;
/** Nguyễn Văn Hùng's dose entered correctly, with overrides. */
function hung(overrides: Partial<DoseRecordInput> = {}): DoseRecordInput {
  return {
    recordId: `k${++seq}`, fullName: 'Nguyễn Văn Hùng', dateOfBirth: '12/04/1975', gender: 'Nam', idNumber: HUNG,
    nationality: 'VN', communeCode: '00001', ...overrides,
  };
}
const anh = (o: Partial<DoseRecordInput> = {}) =>
  hung({ fullName: 'Lê Thị Anh', dateOfBirth: '15/08/1990', gender: 'Nữ', idNumber: ANH, ...o });
const hoa = (o: Partial<DoseRecordInput> = {}) =>
  hung({ fullName: 'Phạm Thị Hoa', dateOfBirth: '20/02/1985', gender: 'Nữ', idNumber: '', communeCode: '00004', ...o });
const thuy = (o: Partial<DoseRecordInput> = {}) =>
  hung({ fullName: 'Bùi Thị Hồng Thúy', dateOfBirth: '04/03/2008', gender: 'Nữ', idNumber: THUY, communeCode: '00010', ...o });
const long = (o: Partial<DoseRecordInput> = {}) =>
  hung({ fullName: 'Phạm Văn Long', dateOfBirth: '04/10/1984', idNumber: '', communeCode: '00015', ...o });
const quan = (o: Partial<DoseRecordInput> = {}) =>
  hung({ fullName: 'Đỗ Minh Quân', dateOfBirth: '11/11/1992', idNumber: '', communeCode: '00005', ...o });

interface Case {
  kind: string;
  name: string;
  record: DoseRecordInput;
  outcome: Outcome;
  personalId?: string;
  corrections?: Corrections;
  candidates?: string[];
}

const NAME_FIX = { fullName: 'Nguyễn Văn Hùng' };

const cases: Case[] = [
  // titles and kinship words
  { kind: 'title', name: 'Cụ before the name', record: hung({ fullName: 'Cụ Nguyễn Văn Hùng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'title', name: 'ÔNG, upper case, no marks', record: hung({ fullName: 'ONG NGUYEN VAN HUNG' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'title', name: 'two words: cụ ông', record: hung({ fullName: 'cụ ông Nguyễn Văn Hùng', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'title', name: 'Chị before a name ending in Anh', record: anh({ fullName: 'Chị Lê Thị Anh' }), outcome: 'corrected', personalId: ANH, corrections: { fullName: 'Lê Thị Anh' } },
  { kind: 'title trap', name: 'given name Anh is kept', record: anh(), outcome: 'verified', personalId: ANH },
  { kind: 'title trap', name: 'middle name Anh is kept', record: hung({ fullName: 'Trần Anh Tuấn', dateOfBirth: '03/03/1988', idNumber: TUAN, communeCode: '00002' }), outcome: 'verified', personalId: TUAN },
  { kind: 'title trap', name: 'Anh as a title before a name with Anh in it', record: hung({ fullName: 'Anh Trần Anh Tuấn', dateOfBirth: '03/03/1988', idNumber: '', communeCode: '00002' }), outcome: 'corrected', personalId: TUAN, corrections: { fullName: 'Trần Anh Tuấn', idNumber: TUAN } },
  { kind: 'title trap', name: 'family name Ông is no title', record: hung({ fullName: 'Ông Văn Tùng', dateOfBirth: '06/06/1960', idNumber: TUNG, communeCode: '00003' }), outcome: 'verified', personalId: TUNG },
  { kind: 'title trap', name: 'family name Ông without an ID', record: hung({ fullName: 'ONG VAN TUNG', dateOfBirth: '06/06/1960', idNumber: '', communeCode: '00003' }), outcome: 'corrected', personalId: TUNG, corrections: { fullName: 'Ông Văn Tùng', idNumber: TUNG } },

  // keyboard residue
  { kind: 'telex', name: 'Telex keys, tone at the end', record: hung({ fullName: 'Nguyeenx Vawn Hungf' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'telex', name: 'Telex keys, tone after the vowel, upper case, no ID', record: hung({ fullName: 'NGUYEEXN VAWN HUFNG', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'vni', name: 'VNI digits', record: hung({ fullName: 'Nguye6n4 Va8n Hu2ng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'vni', name: 'VNI digits on one word only', record: hung({ fullName: 'Nguye6n Văn Hùng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },

  // middle names
  { kind: 'middle', name: 'middle name dropped, ID right', record: hung({ fullName: 'Nguyễn Hùng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'middle', name: 'middle name different, ID right', record: hung({ fullName: 'Nguyễn Hữu Hùng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'middle', name: 'middle name added, no ID, home commune', record: hung({ fullName: 'Nguyễn Văn Minh Hùng', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'middle', name: 'middle name dropped, no ID, another commune: review', record: hung({ fullName: 'Nguyễn Hùng', idNumber: '', communeCode: '00009' }), outcome: 'review', candidates: [HUNG] },

  // month/year dates
  { kind: 'month/year', name: '04/1975', record: hung({ dateOfBirth: '04/1975' }), outcome: 'corrected', personalId: HUNG, corrections: { dateOfBirth: '1975-04-12' } },
  { kind: 'month/year', name: 'T4/1975', record: hung({ dateOfBirth: 'T4/1975' }), outcome: 'corrected', personalId: HUNG, corrections: { dateOfBirth: '1975-04-12' } },
  { kind: 'month/year', name: 'tháng 4 năm 1975, no ID', record: hung({ dateOfBirth: 'tháng 4 năm 1975', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { dateOfBirth: '1975-04-12', idNumber: HUNG } },
  { kind: 'month/year', name: 'the wrong month, no ID: no agreement', record: hung({ dateOfBirth: '05/1975', idNumber: '' }), outcome: 'not_found' },
  { kind: 'month/year', name: 'registry holds the month: 07/1950 agrees', record: hung({ fullName: 'Vũ Thị Nga', dateOfBirth: '07/1950', gender: 'Nữ', idNumber: NGA, communeCode: '00003' }), outcome: 'verified', personalId: NGA },

  // no ID and a misspelt name: the masked-name block
  { kind: 'no ID + misspelt', name: 'given name slip', record: hung({ fullName: 'Nguyễn Văn Hugn', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'no ID + misspelt', name: 'family name slip', record: hung({ fullName: 'Ngyuen Văn Hùng', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'no ID + misspelt', name: 'given name another real name (Hùng → Hàng): not linked', record: hung({ fullName: 'Nguyễn Văn Hàng', idNumber: '' }), outcome: 'review', candidates: [HUNG] },
  { kind: 'ID + misspelt', name: 'given name another real name one key away, ID and date right: linked', record: hung({ fullName: 'Nguyễn Văn Hàng' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'no ID + misspelt', name: 'misspelt and the sex contradicts: review', record: hung({ fullName: 'Nguyễn Văn Hugn', idNumber: '', gender: 'Nữ' }), outcome: 'review', candidates: [HUNG] },

  // two typos in the ID
  { kind: 'two ID typos', name: 'name and date right', record: hung({ idNumber: '001075019121' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG } },
  { kind: 'two ID typos', name: 'with the name typed without marks', record: hung({ idNumber: '001075019121', fullName: 'Nguyen Van Hung' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, ...NAME_FIX } },
  { kind: 'two ID typos', name: 'with a misspelt name in another commune: not enough', record: hung({ idNumber: '001075019121', fullName: 'Nguyễn Văn Hugn', communeCode: '00009' }), outcome: 'review', candidates: [HUNG] },

  // combinations
  { kind: 'combination', name: 'wrong sex, day/month swapped, leading zero lost', record: hung({ gender: 'Nữ', dateOfBirth: '04/12/1975', idNumber: '1075011111' }), outcome: 'corrected', personalId: HUNG, corrections: { gender: 'male', dateOfBirth: '1975-04-12', idNumber: HUNG } },
  { kind: 'combination', name: 'title, Telex and a year-only date with the ID', record: hung({ fullName: 'Ong Nguyeenx Vawn Hungf', dateOfBirth: '1975' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, dateOfBirth: '1975-04-12' } },
  { kind: 'combination', name: 'old ID card, middle name dropped, month/year', record: hung({ idNumber: '012345670', fullName: 'Nguyễn Hùng', dateOfBirth: 'T4/1975' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, ...NAME_FIX, dateOfBirth: '1975-04-12' } },

  // namesakes: never guess
  { kind: 'namesakes', name: 'same household, no ID', record: hoa(), outcome: 'review', candidates: [HOA_1, HOA_2] },
  { kind: 'namesakes', name: 'same household, a relative\'s ID (fits neither)', record: hoa({ idNumber: MOTHER }), outcome: 'review', candidates: [HOA_1, HOA_2, MOTHER] },
  { kind: 'namesakes', name: 'same household, her own ID', record: hoa({ idNumber: HOA_2 }), outcome: 'verified', personalId: HOA_2 },
  { kind: 'namesakes', name: 'same household, her ID with one typo', record: hoa({ idNumber: '001185066672' }), outcome: 'corrected', personalId: HOA_2, corrections: { idNumber: HOA_2 } },
  { kind: 'namesakes', name: 'two communes, no ID, entered in one of them', record: quan(), outcome: 'review', candidates: [QUAN_NORTH, QUAN_SOUTH] },
  { kind: 'namesakes', name: 'two communes, no ID, diacritics lost and sex missing', record: quan({ fullName: 'Do Minh Quan', gender: '' }), outcome: 'review', candidates: [QUAN_NORTH, QUAN_SOUTH] },
  { kind: 'namesakes', name: 'two communes, a title and year only', record: quan({ fullName: 'Anh Đỗ Minh Quân', dateOfBirth: '1992' }), outcome: 'review', candidates: [QUAN_NORTH, QUAN_SOUTH] },
  { kind: 'namesakes', name: 'two communes, an ID two typos from one (fits none)', record: quan({ idNumber: '001092071171' }), outcome: 'review', candidates: [QUAN_NORTH, QUAN_SOUTH] },
  { kind: 'namesakes', name: 'two communes, the south one\'s ID, dose given in the north', record: quan({ idNumber: QUAN_SOUTH }), outcome: 'verified', personalId: QUAN_SOUTH },

  // relatives' IDs
  { kind: "relative's ID", name: "mother's ID on her son's record", record: hung({ fullName: 'Đinh Công Khải', dateOfBirth: '09/10/2006', idNumber: MOTHER, communeCode: '00006' }), outcome: 'corrected', personalId: SON, corrections: { idNumber: SON } },
  { kind: "relative's ID", name: "mother's ID, son's name misspelt, his date and commune: the son", record: hung({ fullName: 'Đinh Công Khảii', dateOfBirth: '09/10/2006', idNumber: MOTHER, communeCode: '00006' }), outcome: 'corrected', personalId: SON, corrections: { idNumber: SON, fullName: 'Đinh Công Khải' } },
  { kind: "relative's ID", name: "mother's ID, son's name misspelt, entered elsewhere: review", record: hung({ fullName: 'Đinh Công Khảii', dateOfBirth: '09/10/2006', idNumber: MOTHER, communeCode: '00009' }), outcome: 'review', candidates: [MOTHER, SON] },
  { kind: "relative's ID", name: "mother's ID on her son's record, day and month swapped: the son", record: hung({ fullName: 'Đinh Công Khải', dateOfBirth: '10/09/2006', idNumber: MOTHER, communeCode: '00006' }), outcome: 'corrected', personalId: SON, corrections: { idNumber: SON, dateOfBirth: '2006-10-09' } },

  { kind: "relative's ID", name: "son's ID on his father's record, their names differ in the middle only: review", record: hung({ fullName: 'Nguyễn Thế Dũng', dateOfBirth: '1941', idNumber: SON_DUNG, communeCode: '00007' }), outcome: 'review', candidates: [FATHER_DUNG, SON_DUNG] },

  // outside the home commune
  { kind: 'outside the commune', name: 'a misspelt name that is someone else\'s far away, the person lives here: review', record: hung({ fullName: 'Nguyễn Văn Hoàn', dateOfBirth: '20/02/1983', idNumber: '', communeCode: '00008' }), outcome: 'review', candidates: [HOANG, HOAN] },
  { kind: 'outside the commune', name: 'no ID, name and full date unique: review (someone the registry lacks fits too)', record: hung({ idNumber: '', communeCode: '26734' }), outcome: 'review', candidates: [HUNG] },
  { kind: 'outside the commune', name: 'his ID, away from home', record: hung({ communeCode: '26734' }), outcome: 'verified', personalId: HUNG },
  // issue 19: annotations after the name
  { kind: 'annotation', name: '(con) after a child\'s name', record: thuy({ fullName: 'Bùi Thị Hồng Thúy (con)' }), outcome: 'corrected', personalId: THUY, corrections: { fullName: 'Bùi Thị Hồng Thúy' } },
  { kind: 'annotation', name: '(mẹ) after a mother\'s name', record: hung({ fullName: 'Lâm Thị Thúy Hiền (mẹ)', dateOfBirth: '07/06/1980', gender: 'Nữ', idNumber: HIEN, communeCode: '00010' }), outcome: 'corrected', personalId: HIEN, corrections: { fullName: 'Lâm Thị Thúy Hiền' } },
  { kind: 'annotation', name: '- HS (học sinh), no space before the bracket next time', record: thuy({ fullName: 'Bùi Thị Hồng Thúy - HS' }), outcome: 'corrected', personalId: THUY, corrections: { fullName: 'Bùi Thị Hồng Thúy' } },
  { kind: 'annotation', name: '(cháu) glued to the name', record: hung({ fullName: 'Nguyễn Văn Hùng(cháu)' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'annotation', name: '- GV, upper case without marks', record: hung({ fullName: 'NGUYEN VAN HUNG - GV' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'annotation', name: 'a short note: (đã tiêm ở BV)', record: hung({ fullName: 'Nguyễn Văn Hùng (đã tiêm ở BV)' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'annotation', name: 'a title before and a note after', record: hung({ fullName: 'Ông Nguyễn Văn Hùng (bố)' }), outcome: 'corrected', personalId: HUNG, corrections: NAME_FIX },
  { kind: 'annotation', name: 'no ID: name, date and commune still link', record: hung({ fullName: 'Nguyễn Văn Hùng – CB', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { ...NAME_FIX, idNumber: HUNG } },
  { kind: 'annotation trap', name: 'a hyphenated given name is the name', record: hung({ fullName: 'Nguyễn Thị Mai-Anh', dateOfBirth: '02/01/1995', gender: 'Nữ', idNumber: MAI_ANH, communeCode: '00011' }), outcome: 'verified', personalId: MAI_ANH },
  { kind: 'annotation trap', name: 'a name ending in a kinship word after a dash: the typed name wins', record: hung({ fullName: 'Nguyễn Thị Mai - Anh', dateOfBirth: '02/01/1995', gender: 'Nữ', idNumber: MAI_ANH, communeCode: '00011' }), outcome: 'verified', personalId: MAI_ANH },
  { kind: 'annotation trap', name: 'given name Con is kept', record: hung({ fullName: 'Trần Văn Con', dateOfBirth: '05/05/1970', idNumber: CON, communeCode: '00012' }), outcome: 'verified', personalId: CON },
  { kind: 'annotation trap', name: 'too little left after the bracket: not cut', record: hung({ fullName: 'Văn Hùng (con)', idNumber: '' }), outcome: 'not_found' },

  // issue 19: spreadsheet day numbers
  { kind: 'Excel serial', name: '27496 is 12 April 1975', record: hung({ dateOfBirth: '27496' }), outcome: 'verified', personalId: HUNG },
  { kind: 'Excel serial', name: 'as a float, no ID', record: hung({ dateOfBirth: '27496.0', idNumber: '' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG } },
  { kind: 'Excel serial', name: 'four digits past any year: 7458 is 1 June 1920', record: hung({ fullName: 'Đỗ Văn Cử', dateOfBirth: '7458', idNumber: CU }), outcome: 'verified', personalId: CU },

  // issue 19: no ID and one more error, one record alone
  { kind: 'no ID + second error', name: 'placeholder 01/01', record: hung({ idNumber: '', dateOfBirth: '01/01/1975' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, dateOfBirth: '1975-04-12' } },
  { kind: 'no ID + second error', name: 'year only', record: hung({ idNumber: '', dateOfBirth: '1975' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, dateOfBirth: '1975-04-12' } },
  { kind: 'no ID + second error', name: 'day and month swapped', record: hung({ idNumber: '', dateOfBirth: '04/12/1975' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, dateOfBirth: '1975-04-12' } },
  { kind: 'no ID + second error', name: 'the other sex', record: hung({ idNumber: '', gender: 'Nữ' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, gender: 'male' } },

  // issue 19: people the registry may not hold
  { kind: 'maybe unregistered', name: 'a citizen ID nobody holds, year only: review', record: hung({ idNumber: '001075999999', dateOfBirth: '1975' }), outcome: 'review', candidates: [HUNG] },
  { kind: 'maybe unregistered', name: 'a citizen ID nobody holds, full date at home: linked', record: hung({ idNumber: '001075999999' }), outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG } },
  { kind: 'maybe unregistered', name: 'a relative\'s ID from another commune: review', record: hung({ idNumber: MOTHER, communeCode: '00006' }), outcome: 'review', candidates: [HUNG, MOTHER] },
  { kind: 'maybe unregistered', name: 'no ID, away from home, a man of that name born the same year elsewhere: review', record: long(), outcome: 'review', candidates: [LONG_A] },
  { kind: 'maybe unregistered', name: 'no ID, at home, the same: linked', record: long({ communeCode: '00013' }), outcome: 'corrected', personalId: LONG_A, corrections: { idNumber: LONG_A } },
];

/** Records of one batch, decided together: the same person's other doses carry the ID (issue 19). */
interface BatchCase {
  name: string;
  batch: DoseRecordInput[];
  outcome: Outcome;
  personalId?: string;
  corrections?: Corrections;
}

const batchCases: BatchCase[] = [
  {
    name: 'no ID and the decade mistyped, her other dose has the ID',
    batch: [thuy(), thuy({ idNumber: '', dateOfBirth: '04/03/1998' })],
    outcome: 'corrected', personalId: THUY, corrections: { idNumber: THUY, dateOfBirth: '2008-03-04' },
  },
  {
    name: 'no ID and a misspelt name with a year only, his other dose has the ID',
    batch: [hung(), hung({ idNumber: '', fullName: 'Nguyễn Văn Hưnh', dateOfBirth: '1975' })],
    outcome: 'corrected', personalId: HUNG, corrections: { idNumber: HUNG, fullName: 'Nguyễn Văn Hùng', dateOfBirth: '1975-04-12' },
  },
  {
    name: 'no ID, a wrong year and his sister\'s ID-linked dose: the record stays apart',
    batch: [anh({ communeCode: '00001' }), hung({ idNumber: '', dateOfBirth: '12/04/1965' })],
    outcome: 'not_found',
  },
  {
    name: 'the dose with the ID was entered in another commune: not used',
    batch: [hung({ communeCode: '00009' }), hung({ idNumber: '', dateOfBirth: '12/04/1965' })],
    outcome: 'not_found',
  },
  {
    name: 'namesakes in one household: the other\'s ID-linked dose tells nothing',
    batch: [hoa({ idNumber: HOA_1 }), hoa()],
    outcome: 'review',
  },
  {
    name: 'a misspelt name and the other sex: not enough, even with his other dose',
    batch: [hung(), hung({ idNumber: '', fullName: 'Nguyễn Văn Hugn', gender: 'Nữ', dateOfBirth: '1975' })],
    outcome: 'not_found',
  },
];

describe('issue 19: a batch settles no-ID records by the same person\'s other doses', () => {
  it.each(batchCases)('$name → $outcome', (c) => {
    const results = matchRecordsSync(c.batch, registry);
    const last = results.at(-1)!;
    expect(last.outcome).toBe(c.outcome);
    if (c.personalId) expect(last.personalId).toBe(c.personalId);
    if (c.corrections) expect(last.corrections).toEqual(c.corrections);
    // Alone, the same record is not linked: the batch is what settles it.
    if (c.personalId) expect(['review', 'not_found']).toContain(matchRecordSync(c.batch.at(-1)!, registry).outcome);
  });
});

describe('issue 12: the entries people really typed', () => {
  it.each(cases)('$kind: $name → $outcome', (c) => {
    const result = matchRecordSync(c.record, registry);
    expect(result.outcome).toBe(c.outcome);
    if (c.personalId) expect(result.personalId).toBe(c.personalId);
    if (c.outcome === 'corrected') expect(result.corrections).toEqual(c.corrections);
    if (c.outcome === 'verified') expect(result.corrections).toBeUndefined();
    if (c.outcome === 'review') {
      expect(result.personalId).toBeUndefined();
      expect(result.candidates?.map((x) => x.personalId).sort()).toEqual([...(c.candidates ?? [])].sort());
    }
    expect(result.reason ?? '').not.toMatch(/\d{6,}|Nguyễn|Hùng/);
  });
});
