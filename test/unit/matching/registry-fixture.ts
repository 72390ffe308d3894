import type { Citizen, DoseRecordInput } from '../../../src/domain/records.js';

/** A few citizens built to exercise every rule (fictional people, fictional numbers). */
export const CITIZENS: Citizen[] = [
  { personalId: '001080012345', fullName: 'Nguyễn Văn Hòa', dateOfBirth: '1980-05-12', gender: 'male', communeCode: '00001', oldIdNumber: '012345678' },
  // A mother and her son, same commune: the mother's ID is used for the son.
  { personalId: '001155012346', fullName: 'Trần Thị Lan', dateOfBirth: '1955-03-02', gender: 'female', communeCode: '00001' },
  { personalId: '001205067890', fullName: 'Nguyễn Minh Khoa', dateOfBirth: '2005-09-20', gender: 'male', communeCode: '00001' },
  // Two women with the same name and birth date in one commune.
  { personalId: '001190011111', fullName: 'Lê Thị Mai', dateOfBirth: '1990-07-07', gender: 'female', communeCode: '00002' },
  { personalId: '001190022222', fullName: 'Lê Thị Mai', dateOfBirth: '1990-07-07', gender: 'female', communeCode: '00002' },
  // Twin brothers with unrelated ID numbers.
  { personalId: '001095033331', fullName: 'Phạm Văn An', dateOfBirth: '1995-01-15', gender: 'male', communeCode: '00003' },
  { personalId: '001095077777', fullName: 'Phạm Văn Bình', dateOfBirth: '1995-01-15', gender: 'male', communeCode: '00003' },
  // Twin sisters with consecutive ID numbers.
  { personalId: '001198055550', fullName: 'Võ Thị Hoa', dateOfBirth: '1998-02-02', gender: 'female', communeCode: '00003' },
  { personalId: '001198055551', fullName: 'Võ Thị Hồng', dateOfBirth: '1998-02-02', gender: 'female', communeCode: '00003' },
  { personalId: '079185044444', fullName: 'Đặng Thị Thuý', dateOfBirth: '1985-11-30', gender: 'female', communeCode: '26734' },
  // Twins whose given names differ only by a diacritic.
  { personalId: '001056498729', fullName: 'Nguyễn Đức Hưng', dateOfBirth: '1956-07-20', gender: 'male', communeCode: '00004' },
  { personalId: '001056498730', fullName: 'Nguyễn Đức Hùng', dateOfBirth: '1956-07-20', gender: 'male', communeCode: '00004' },
  // Father and son with the same full name, same commune.
  { personalId: '001060046285', fullName: 'Nguyễn Hoàng Anh', dateOfBirth: '1960-10-08', gender: 'male', communeCode: '00005' },
  { personalId: '001080452203', fullName: 'Nguyễn Hoàng Anh', dateOfBirth: '1980-07-01', gender: 'male', communeCode: '00005' },
  // The registry knows only the year.
  { personalId: '079140055555', fullName: 'Huỳnh Văn Tư', dateOfBirth: '1940', gender: 'male', communeCode: '26734' },
];

let next = 0;

/** A dose record for citizen 0 (Nguyễn Văn Hòa) entered correctly, with overrides. */
export function dose(overrides: Partial<DoseRecordInput> = {}): DoseRecordInput {
  next++;
  return {
    recordId: `r${next}`,
    fullName: 'Nguyễn Văn Hòa',
    dateOfBirth: '12/05/1980',
    gender: 'Nam',
    idNumber: '001080012345',
    nationality: 'VN',
    communeCode: '00001',
    ...overrides,
  };
}
