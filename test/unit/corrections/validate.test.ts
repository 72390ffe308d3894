import { describe, expect, it } from 'vitest';
import { checkDateOfBirth, checkGender, checkIdNumber, checkFullName, validateCorrection } from '../../../src/domain/corrections/validate.js';
import { correctionKey } from '../../../src/domain/corrections/content-key.js';
import type { CorrectionInput, RecordValues } from '../../../src/domain/corrections/types.js';

const NOW = new Date('2022-04-01T00:00:00Z');
const ctx = { currentYear: 2022 };
const reason = (c: { reason: string } | { value: string }) => ('reason' in c ? c.reason : null);

describe('checkIdNumber: the ID rules', () => {
  it('accepts a 12-digit citizen ID, restoring lost leading zeros', () => {
    expect(checkIdNumber('001085012345', ctx)).toEqual({ value: '001085012345' });
    expect(checkIdNumber('1085012345', ctx)).toEqual({ value: '001085012345' });
    expect(checkIdNumber('001 085 012 345', ctx)).toEqual({ value: '001085012345' });
  });
  it('refuses wrong length and kind with a reason', () => {
    expect(reason(checkIdNumber('00108501234', ctx))).toMatch(/12-digit/);
    expect(reason(checkIdNumber('0010850123456', ctx))).toMatch(/12-digit/);
    expect(reason(checkIdNumber('012345678', ctx))).toMatch(/9-digit old ID/);
    expect(reason(checkIdNumber('B1234567', ctx))).toMatch(/foreign nationals only/);
    expect(checkIdNumber('B1234567', { ...ctx, foreign: true })).toEqual({ value: 'B1234567' });
    expect(reason(checkIdNumber('', ctx))).toBe('empty');
  });
  it('refuses an unknown province code', () => {
    expect(reason(checkIdNumber('003085012345', ctx))).toMatch(/province code 003/);
  });
  it('refuses an impossible century/sex digit or a future birth year', () => {
    expect(reason(checkIdNumber('001485012345', ctx))).toMatch(/century\/sex digit 4/);
    expect(reason(checkIdNumber('001230012345', ctx))).toMatch(/birth year 2030/);
  });
  it('refuses an ID inconsistent with the sex or birth year of the record', () => {
    expect(reason(checkIdNumber('001085012345', { ...ctx, gender: 'female' }))).toMatch(/encodes male, but the record says female/);
    expect(reason(checkIdNumber('001085012345', { ...ctx, birthYear: 1986 }))).toMatch(/birth year 1985, but the date of birth is in 1986/);
    expect(checkIdNumber('001185012345', { ...ctx, gender: 'female', birthYear: 1985 })).toEqual({ value: '001185012345' });
  });
});

describe('dates, sex and names', () => {
  it('parses dates as the matcher does and refuses the rest', () => {
    expect(checkDateOfBirth('05/03/1985', 2022)).toEqual({ value: '1985-03-05' });
    expect(checkDateOfBirth('1985', 2022)).toEqual({ value: '1985' });
    expect(checkDateOfBirth('01/01/1985', 2022)).toEqual({ value: '1985-01-01' });
    expect(reason(checkDateOfBirth('31/02/1985', 2022))).toMatch(/not a date/);
    expect(reason(checkDateOfBirth('05/03/2030', 2022))).toMatch(/future/);
  });
  it('parses sex', () => {
    expect(checkGender('Nữ')).toEqual({ value: 'female' });
    expect(checkGender('nam')).toEqual({ value: 'male' });
    expect(reason(checkGender('x'))).toMatch(/not a sex/);
  });
  it('normalizes names and refuses digits', () => {
    expect(checkFullName('  Nguyễn   Văn  An ')).toEqual({ value: 'Nguyễn Văn An' });
    expect(reason(checkFullName('Nguyen Van 4n'))).toMatch(/letters/);
  });
});

const record: RecordValues = { idNumber: '001085012346', fullName: 'Nguyen Van An', dateOfBirth: '1985', gender: 'Nam', nationality: 'VN' };
const base: CorrectionInput = { recordId: 'R1', baseVersion: 0, decision: 'confirm', officer: { name: 'Trạm y tế', role: 'health_station' } };

describe('validateCorrection', () => {
  it('confirm applies the suggestions, with the officer values over them; unchanged fields are no change', () => {
    const out = validateCorrection({ ...base, values: { fullName: 'Nguyễn Văn An' } }, record, { idNumber: '001085012345', dateOfBirth: '1985-03-05', gender: 'male' }, NOW);
    expect(out.problems).toEqual([]);
    expect(out.changes).toEqual([
      { field: 'idNumber', oldValue: '001085012346', newValue: '001085012345' },
      { field: 'fullName', oldValue: 'Nguyen Van An', newValue: 'Nguyễn Văn An' },
      { field: 'dateOfBirth', oldValue: '1985', newValue: '1985-03-05' },
    ]);
  });
  it('checks the new ID against the new birth date', () => {
    const out = validateCorrection({ ...base, values: { idNumber: '001085012345', dateOfBirth: '05/03/1990' } }, record, undefined, NOW);
    expect(out.problems).toEqual([{ field: 'idNumber', reason: expect.stringMatching(/1985, but the date of birth is in 1990/), code: 'v.id_year', params: { idYear: 1985, year: 1990 } }]);
  });
  it('reject keeps only the officer values; confirm with nothing is refused', () => {
    expect(validateCorrection({ ...base, decision: 'reject' }, record, { idNumber: '001085012345' }, NOW)).toEqual({ changes: [], problems: [] });
    expect(validateCorrection(base, record, undefined, NOW).problems[0]!.field).toBe('decision');
  });
  it('explain needs an explanation and no values', () => {
    expect(validateCorrection({ ...base, decision: 'explain' }, record, undefined, NOW).problems[0]!.field).toBe('explanation');
    expect(validateCorrection({ ...base, decision: 'explain', explanation: 'moved abroad in 2021', values: { gender: 'Nữ' } }, record, undefined, NOW).problems[0]!.field).toBe('decision');
    expect(validateCorrection({ ...base, decision: 'explain', explanation: 'moved abroad in 2021' }, record, undefined, NOW)).toEqual({ changes: [], problems: [] });
  });
});

describe('correctionKey', () => {
  it('is the same for the same correction and differs with the base version or values', () => {
    const a = correctionKey({ ...base, values: { fullName: 'A B' } });
    expect(correctionKey({ ...base, values: { fullName: ' A B ' } })).toBe(a);
    expect(correctionKey({ ...base, baseVersion: 1, values: { fullName: 'A B' } })).not.toBe(a);
    expect(correctionKey({ ...base, values: { fullName: 'A C' } })).not.toBe(a);
  });
});
