import { describe, expect, it } from 'vitest';
import { WORKSHEET_COLUMNS, cellText, readWorksheetRow, worksheetRow, type WorklistItem } from '../../../src/domain/corrections/worksheet.js';

const item: WorklistItem = {
  recordId: 'R1', communeCode: '00001', version: 2, roundId: 'verification-00001-1', outcome: 'corrected', reason: 'id typo',
  entered: { idNumber: '001085012346', fullName: 'Nguyen Van An', dateOfBirth: '1985', gender: 'Nam', nationality: 'VN' },
  suggested: { idNumber: '001085012345' }, correctionPending: false,
};

describe('worksheet rows', () => {
  it('has every column, suggestions pre-filled, officer columns empty', () => {
    const row = worksheetRow(item);
    expect(Object.keys(row).sort()).toEqual([...WORKSHEET_COLUMNS].sort());
    expect(row).toMatchObject({ recordId: 'R1', baseVersion: 2, suggested_idNumber: '001085012345', entered_fullName: 'Nguyen Van An', corrected_idNumber: '', decision: '' });
  });

  it('skips rows the officer did not fill', () => {
    expect(readWorksheetRow(worksheetRow(item))).toEqual({ kind: 'skip' });
  });

  it('reads a filled row; corrected values without a decision mean confirm', () => {
    const r = readWorksheetRow({ ...worksheetRow(item), corrected_fullName: 'Nguyễn Văn An', officerName: 'Lan' });
    expect(r).toEqual({ kind: 'correction', input: expect.objectContaining({ recordId: 'R1', baseVersion: 2, decision: 'confirm', values: { fullName: 'Nguyễn Văn An' }, officer: { name: 'Lan', role: 'health_station' } }) });
  });

  it('accepts Vietnamese decisions and the sign-off column', () => {
    const r = readWorksheetRow({ ...worksheetRow(item), decision: 'Xác nhận', officerName: 'Lan', signedOffBy: 'Công an xã' });
    expect(r).toMatchObject({ kind: 'correction', input: { decision: 'confirm', signOff: { by: 'Công an xã', role: 'commune_police' } } });
  });

  it('reports each bad field', () => {
    const r = readWorksheetRow({ ...worksheetRow(item), baseVersion: 'x', decision: 'maybe', officerRole: 'mayor' });
    expect(r.kind).toBe('problems');
    expect((r as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['baseVersion', 'decision', 'officerName', 'officerRole']);
  });

  it('reads spreadsheet cells as text', () => {
    expect(cellText(1085012345)).toBe('1085012345');
    expect(cellText(new Date(Date.UTC(1985, 2, 5)))).toBe('05/03/1985');
    expect(cellText({ richText: [{ text: 'Ng' }, { text: 'uyễn' }] })).toBe('Nguyễn');
    expect(cellText({ formula: 'A1', result: 3 })).toBe('3');
  });
});
