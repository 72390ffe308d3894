import { describe, expect, it } from 'vitest';
import {
  NumberSet, citizenIdPrefix, parseNameList, createRng, lostLeadingZero, misspellGivenName, stripDiacritics, swapToneStyle, transposeDigits, typoDigit,
} from '../../../src/domain/synth/index.js';

describe('names', () => {
  it('swaps old and new tone placement only at the end of a word', () => {
    expect(swapToneStyle('Nguyễn Thị Hoà')).toBe('Nguyễn Thị Hòa');
    expect(swapToneStyle('Lê Thúy')).toBe('Lê Thuý');
    expect(swapToneStyle('Hoàng Văn An')).toBeNull();
    expect(swapToneStyle('HOÀ')).toBe('HÒA');
  });

  it('reads name lists with the Vietnamese Đ, not the look-alike Ð', () => {
    expect(parseNameList('Quảng \u00d0ạt\r\n\n  An   Khang \n')).toEqual(['Quảng \u0110ạt', 'An Khang']);
  });

  it('strips diacritics including đ', () => {
    expect(stripDiacritics('Đặng Thị Huệ')).toBe('Dang Thi Hue');
  });

  it('misspells the given name only', () => {
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) {
      const out = misspellGivenName(rng, 'Nguyễn Văn Trung');
      expect(out.startsWith('Nguyễn Văn ')).toBe(true);
      expect(out).not.toBe('Nguyễn Văn Trung');
    }
  });
});

describe('ID numbers', () => {
  it('encodes province, century/sex and year', () => {
    expect(citizenIdPrefix('01', 'male', 1985)).toBe('001085');
    expect(citizenIdPrefix('79', 'female', 1950)).toBe('079150');
    expect(citizenIdPrefix('79', 'male', 2003)).toBe('079203');
    expect(citizenIdPrefix('79', 'female', 2010)).toBe('079310');
  });

  it('corrupts IDs the way sites do', () => {
    const rng = createRng(2);
    const id = '001085123456';
    const typo = typoDigit(rng, id);
    expect([...typo].filter((d, i) => d !== id[i])).toHaveLength(1);
    expect(transposeDigits(rng, id)).toHaveLength(12);
    expect(transposeDigits(rng, '000000000000')).toBeNull();
    expect(lostLeadingZero(id)).toBe('1085123456');
  });

  it('NumberSet holds large integers exactly', () => {
    const s = new NumberSet(4);
    for (let i = 0; i < 10_000; i++) expect(s.add(1_000_000_000 + i * 7919)).toBe(true);
    expect(s.add(1_000_000_000)).toBe(false);
    expect(s.has(1_000_000_000 + 7919 * 9999)).toBe(true);
    expect(s.size).toBe(10_000);
  });
});
