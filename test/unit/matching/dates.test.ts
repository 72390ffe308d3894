import { describe, expect, it } from 'vitest';
import { compareDates, parseBirthDate, parseRegistryDate } from '../../../src/domain/matching/index.js';

describe('parseBirthDate keeps the precision it was given', () => {
  it.each([
    ['dd/mm/yyyy', '12/05/1980', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['d/m/yyyy', '5/3/1980', { year: 1980, month: 3, day: 5, precision: 'day' }],
    ['dd-mm-yyyy', '12-05-1980', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['dd.mm.yyyy', '12.05.1980', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['yyyy-mm-dd', '1980-05-12', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['yyyy/mm/dd', '1980/05/12', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['ISO timestamp', '1980-05-12T00:00:00.000Z', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['yyyy-mm', '1980-05', { year: 1980, month: 5, precision: 'month' }],
    ['mm/yyyy', '05/1980', { year: 1980, month: 5, precision: 'month' }],
    ['year only', '1980', { year: 1980, precision: 'year' }],
    ['01/01 placeholder', '01/01/1980', { year: 1980, month: 1, day: 1, precision: 'year', placeholder: true }],
    ['00/00 unknown day and month', '00/00/1980', { year: 1980, precision: 'year' }],
    ['month/day when month > 12', '12/25/1980', { year: 1980, month: 12, day: 25, precision: 'day' }],
    ['ddmmyyyy', '12051980', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['yyyymmdd', '19800512', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['spreadsheet serial', '29353', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['spreadsheet serial as float', '29353.0', { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['spreadsheet serial as number', 29353, { year: 1980, month: 5, day: 12, precision: 'day' }],
    ['surrounding spaces', ' 12/05/1980 ', { year: 1980, month: 5, day: 12, precision: 'day' }],
  ])('%s: %s', (_case, raw, expected) => {
    expect(parseBirthDate(raw)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['two-digit year (century unknown)', '12/05/80'],
    ['impossible day', '31/02/1980'],
    ['impossible month', '13/13/1980'],
    ['text', 'không rõ'],
    ['year out of range', '1700'],
    ['null', null],
  ])('%s → null', (_case, raw) => {
    expect(parseBirthDate(raw)).toBeNull();
  });
});

describe('compareDates', () => {
  const reg = (iso: string) => parseRegistryDate(iso);
  it.each([
    ['same day', '12/05/1980', '1980-05-12', 'exact'],
    ['registry year only, entered full', '12/05/1980', '1980', 'within'],
    ['registry month precision', '12/05/1980', '1980-05', 'within'],
    ['placeholder matches a real 1 January', '01/01/1980', '1980-01-01', 'exact'],
    ['placeholder vs real date: year only', '01/01/1980', '1980-05-12', 'coarser'],
    ['year only entered', '1980', '1980-05-12', 'coarser'],
    ['month/year entered', '05/1980', '1980-05-12', 'coarser'],
    ['day/month swapped', '05/12/1980', '1980-05-12', 'swapped'],
    ['day off', '13/05/1980', '1980-05-12', 'close'],
    ['month off', '12/06/1980', '1980-05-12', 'close'],
    ['year digits transposed', '12/05/1908', '1980-05-12', 'close'],
    ['year off by one', '12/05/1981', '1980-05-12', 'close'],
    ['another date', '03/09/1975', '1980-05-12', 'different'],
    ['nothing entered', '', '1980-05-12', 'missing'],
  ])('%s', (_case, entered, registry, level) => {
    expect(compareDates(parseBirthDate(entered), reg(registry))).toBe(level);
  });
});
