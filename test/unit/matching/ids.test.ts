import { describe, expect, it } from 'vitest';
import { classifyId, decodeCitizenId, idVariants, normalizeId } from '../../../src/domain/matching/index.js';

describe('normalizeId', () => {
  it.each([
    ['12-digit citizen ID', '001080012345', '001080012345', 'citizen', false],
    ['spaces', '001 080 012 345', '001080012345', 'citizen', false],
    ['dashes and dots', '001-080.012-345', '001080012345', 'citizen', false],
    ['spreadsheet apostrophe', "'001080012345", '001080012345', 'citizen', false],
    ['one leading zero lost', '79080012345', '079080012345', 'citizen', true],
    ['two leading zeros lost', '1080012345', '001080012345', 'citizen', true],
    ['9-digit CMND', '012345678', '012345678', 'old', false],
    ['CMND that lost its zero', '12345678', '012345678', 'old', true],
    ['VN passport', 'b1234567', 'B1234567', 'passport', false],
    ['foreign passport', 'XK 12 34 56 7', 'XK1234567', 'passport', false],
    ['letter O typed for the leading zero', 'O01080012345', '001080012345', 'citizen', false],
    ['letter l typed for a one', '0010800l2345', '001080012345', 'citizen', false],
    ['passport starting with a letter stays a passport', 'C12345678', 'C12345678', 'passport', false],
    ['scientific notation', '1.08001E+11', '', 'invalid', false],
    ['too short', '12345', '', 'invalid', false],
    ['empty', '  ', '', 'missing', false],
  ])('%s', (_case, raw, value, kind, zerosRestored) => {
    expect(normalizeId(raw)).toMatchObject({ value, kind, zerosRestored });
    expect(classifyId(raw)).toBe(kind);
  });

  it('does not pad a 10-digit number into an unknown province', () => {
    expect(normalizeId('9980012345').kind).toBe('invalid'); // 009 is no province
  });
});

describe('decodeCitizenId', () => {
  it.each([
    ['male 1900s', '001080012345', { provinceCode: '001', gender: 'male', birthYear: 1980 }],
    ['female 1900s', '079155012345', { provinceCode: '079', gender: 'female', birthYear: 1955 }],
    ['male 2000s', '001205012345', { provinceCode: '001', gender: 'male', birthYear: 2005 }],
    ['female 2000s', '001310012345', { provinceCode: '001', gender: 'female', birthYear: 2010 }],
    ['2100s', '001400012345', { gender: 'male', birthYear: 2100 }],
    ['2200s', '001700012345', { gender: 'female', birthYear: 2200 }],
    ['male 1800s', '001899012345', { gender: 'male', birthYear: 1899 }],
    ['female 1800s', '001999012345', { gender: 'female', birthYear: 1899 }],
  ])('%s', (_case, id, expected) => {
    expect(decodeCitizenId(id)).toMatchObject(expected);
  });

  it('flags an unknown province and rejects other lengths', () => {
    expect(decodeCitizenId('003080012345')?.provinceKnown).toBe(false);
    expect(decodeCitizenId('012345678')).toBeNull();
  });
});

describe('idVariants', () => {
  it('contains one-digit substitutions and adjacent transpositions, only plausible ones', () => {
    const variants = idVariants('001080012345');
    expect(variants).toContain('001080012346'); // last digit
    expect(variants).toContain('001080013245'); // 2 and 3 swapped
    expect(variants).not.toContain('001080012345'); // itself
    expect(variants.every((v) => v.length === 12 && v.startsWith('0'))).toBe(true);
    expect(variants).not.toContain('001580012345'); // century digit 5: nobody born in the 2100s yet
  });

  it('leaves confirmed positions alone', () => {
    const variants = idVariants('001080012345', [3, 4, 5]);
    expect(variants).not.toContain('001081012345'); // year digit
    expect(variants).toContain('001080012346');
    expect(variants).toContain('001008012345'); // a transposition may still move them
  });

  it('drops one digit of a 13-digit number', () => {
    expect(idVariants('0010800123455')).toContain('001080012345');
  });

  it('covers 9-digit old IDs', () => {
    expect(idVariants('012345678')).toContain('012345687');
  });
});
