import { describe, expect, it } from 'vitest';
import { parseCitizenRow, parseDoseRow } from '../../../src/domain/import/index.js';
import { KeySet } from '../../../src/imports/key-set.js';

describe('row schemas', () => {
  it('dose rows keep identity fields as typed and check structural ones', () => {
    const ok = parseDoseRow({ recordId: 'R1', fullName: ' NGUYEN VAN AN ', dateOfBirth: '01/01/1950', gender: 'M', idNumber: '1085123456', communeCode: '00001', doseNumber: '2' });
    expect(ok).toMatchObject({ ok: true, value: { fullName: 'NGUYEN VAN AN', dateOfBirth: '01/01/1950', doseNumber: 2, nationality: '' } });
    expect(parseDoseRow({ communeCode: '00001' })).toEqual({ ok: false, issue: { field: 'recordId', reason: 'required' } });
    expect(parseDoseRow({ recordId: 'R1', communeCode: '00001', doseNumber: 'x' })).toMatchObject({ ok: false, issue: { field: 'doseNumber' } });
  });

  it('citizen rows compute the blocking keys', () => {
    const r = parseCitizenRow({ personalId: '001190123457', fullName: 'Đặng Thị Thuý', dateOfBirth: '1950', gender: 'Nữ', communeCode: '00001', oldIdNumber: '' });
    expect(r).toMatchObject({ ok: true, value: { nameKey: 'dang thi thuy', birthYear: 1950, gender: 'female', oldIdNumber: undefined } });
    expect(parseCitizenRow({ personalId: '001190123457', fullName: 'A', dateOfBirth: '1950', gender: 'x', communeCode: '00001' }))
      .toMatchObject({ ok: false, issue: { field: 'gender' } });
  });
});

describe('KeySet', () => {
  it('finds duplicates among many keys', () => {
    const s = new KeySet(8);
    for (let i = 0; i < 200_000; i++) expect(s.add(`R${i}`)).toBe(true);
    expect(s.add('R199999')).toBe(false);
    expect(s.add('R0')).toBe(false);
    expect(s.size).toBe(200_000);
  });
});
