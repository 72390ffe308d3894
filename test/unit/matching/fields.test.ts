import { describe, expect, it } from 'vitest';
import { citizenKeys, isVietnamese, parseGender } from '../../../src/domain/matching/index.js';

describe('parseGender', () => {
  it.each([
    ['Nam', 'male'],
    ['nam', 'male'],
    ['M', 'male'],
    ['male', 'male'],
    ['Nữ', 'female'],
    ['nu', 'female'],
    ['NỮ', 'female'],
    ['F', 'female'],
    ['female', 'female'],
    ['', undefined],
    ['?', undefined],
  ])('%s → %s', (raw, gender) => {
    expect(parseGender(raw)).toBe(gender);
  });
});

describe('isVietnamese', () => {
  it.each([
    ['VN', true],
    ['VNM', true],
    ['Việt Nam', true],
    ['viet nam', true],
    ['Vietnam', true],
    ['US', false],
    ['KOR', false],
    ['Hàn Quốc', false],
    ['', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(isVietnamese(raw)).toBe(expected);
  });
});

describe('citizenKeys', () => {
  it('gives the folded name and birth year a registry document is indexed on', () => {
    expect(citizenKeys({ fullName: 'Đặng Thị Thuý', dateOfBirth: '1975-03-02' })).toEqual({
      nameKey: 'dang thi thuy',
      birthYear: 1975,
      maskedKeys: ['dang thuy|1975-03-02', 'dang thi *|1975-03-02', '* thi thuy|1975-03-02'],
    });
    expect(citizenKeys({ fullName: 'Lê An', dateOfBirth: '1990' }).birthYear).toBe(1990);
  });
});
