import { describe, expect, it } from 'vitest';
import { emptySummary, formatSummary } from '../../../src/cli/commands/match/summary.js';
import { toCitizen, toDoseRecord } from '../../../src/cli/commands/match/to-record.js';

describe('toCitizen', () => {
  const good = { personalId: '001155012346', fullName: 'Trần Thị Lan', dateOfBirth: '1955-03-02', gender: 'female', communeCode: '00001', oldIdNumber: '' };

  it('reads a population row, dropping an empty old ID', () => {
    expect(toCitizen(good)).toEqual({ ok: true, value: { personalId: '001155012346', fullName: 'Trần Thị Lan', dateOfBirth: '1955-03-02', gender: 'female', communeCode: '00001' } });
  });

  it.each([
    ['personalId', { personalId: '12345' }],
    ['fullName', { fullName: ' ' }],
    ['dateOfBirth', { dateOfBirth: '02/03/1955' }],
    ['gender', { gender: 'Nữ' }],
    ['communeCode', { communeCode: { code: 1 } }],
  ])('rejects a bad %s and names the field', (field, change) => {
    const result = toCitizen({ ...good, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(new RegExp(`^${field}`));
  });
});

describe('toDoseRecord', () => {
  it('keeps values as entered, numbers as text, missing fields empty', () => {
    expect(toDoseRecord({ recordId: 7, fullName: 'Lan', idNumber: 1155012346 })).toEqual({
      ok: true,
      value: { recordId: '7', fullName: 'Lan', dateOfBirth: '', gender: '', idNumber: '1155012346', nationality: '', communeCode: '' },
    });
  });

  it.each([
    ['no recordId', { fullName: 'Lan' }],
    ['an object where text belongs', { recordId: 'a', fullName: { first: 'Lan' } }],
  ])('rejects %s', (_case, row) => {
    expect(toDoseRecord(row).ok).toBe(false);
  });
});

describe('formatSummary', () => {
  it('lists every outcome and the malformed lines, without personal data', () => {
    const s = emptySummary();
    s.records = 3;
    s.recordsMalformed = 1;
    s.outcomes.verified = 2;
    s.outcomes.review = 1;
    const text = formatSummary(s);
    for (const label of ['verified', 'corrected', 'review', 'not_found', 'exempt', 'invalid', 'malformed', 'total']) {
      expect(text).toContain(label);
    }
    expect(text).toMatch(/verified\s+2\s+50\.0%/);
  });
});
