import { describe, expect, it } from 'vitest';
import {
  WORKSHEET_COLUMNS, cellText, columnLabel, headerKey, instructionsRow, readWorksheetRow, worksheetRow, type WorklistItem,
} from '../../../src/domain/corrections/worksheet.js';

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

  it('reports each bad field (a sheet without the check column)', () => {
    const r = readWorksheetRow({ ...worksheetRow(item), check: '', baseVersion: 'x', decision: 'maybe', officerRole: 'mayor' });
    expect(r.kind).toBe('problems');
    expect((r as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['baseVersion', 'decision', 'officerName', 'officerRole']);
  });

  it('reads spreadsheet cells as text', () => {
    expect(cellText(1085012345)).toBe('1085012345');
    expect(cellText(new Date(Date.UTC(1985, 2, 5)))).toBe('05/03/1985');
    expect(cellText({ richText: [{ text: 'Ng' }, { text: 'uyễn' }] })).toBe('Nguyễn');
    expect(cellText({ formula: 'A1', result: 3 })).toBe('3');
  });

  it('writes what the officer reads: Vietnamese outcome and reason, dd/mm/yyyy dates, Nam/Nữ', () => {
    const row = worksheetRow({ ...item, reason: 'corrected idNumber, gender', entered: { ...item.entered, dateOfBirth: '1985-03-10', gender: 'male' }, suggested: { dateOfBirth: '1985-03', gender: 'female' } });
    expect(row).toMatchObject({ outcome: 'Cần đính chính theo gợi ý', reason: 'Sai số định danh, giới tính so với CSDL dân cư', entered_dateOfBirth: '10/03/1985', entered_gender: 'Nam', suggested_dateOfBirth: '03/1985', suggested_gender: 'Nữ' });
    for (const v of Object.values(row)) expect(String(v)).not.toMatch(/\d{4}-\d{2}(-\d{2})?/);
  });

  it('has Vietnamese headers and reads them (and the old keys) back', () => {
    expect(columnLabel('entered_fullName')).toBe('Họ và tên đã nhập');
    expect(columnLabel('decision')).toBe('Quyết định');
    for (const k of WORKSHEET_COLUMNS) { expect(headerKey(columnLabel(k))).toBe(k); expect(headerKey(k)).toBe(k); expect(headerKey(columnLabel(k, 'en'))).toBe(k); }
  });

  it('skips the instructions row', () => {
    expect(readWorksheetRow(instructionsRow(), { officerName: 'Lan' })).toEqual({ kind: 'skip' });
  });

  it('refuses an edited read-only column naming the cell, even when nothing else was filled', () => {
    const columns = [...WORKSHEET_COLUMNS];
    const edited = { ...worksheetRow(item), entered_fullName: 'Nguyễn Văn An' };
    const r = readWorksheetRow(edited, { officerName: 'Lan' }, { row: 7, columns });
    expect(r.kind).toBe('problems');
    const p = (r as { problems: { field: string; code?: string; params?: Record<string, unknown> }[] }).problems;
    const letter = String.fromCharCode(65 + columns.indexOf('entered_fullName'));
    expect(p).toEqual([expect.objectContaining({ field: 'entered_fullName', code: 'v.readonly_edited', params: { cell: `${letter}7`, column: 'Họ và tên đã nhập', target: 'Sửa họ và tên thành' } })]);
    // Spreadsheet programs' reformatting is not an edit: leading zeros dropped, spaces.
    const resaved = { ...worksheetRow(item), entered_idNumber: '1085012346', baseVersion: ' 2 ' };
    expect(readWorksheetRow(resaved, { officerName: 'Lan' })).toEqual({ kind: 'skip' });
  });
});
