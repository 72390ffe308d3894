/**
 * Worksheet files: CSV (UTF-8 with BOM, opens in Excel) and XLSX (exceljs, streamed), written
 * from worklist items and read back from an officer's filled copy.
 */
import { Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { OFFICER_COLUMNS, WORKSHEET_COLUMNS, worksheetRow, type WorklistItem } from '../domain/corrections/worksheet.js';
import { DECISIONS, OFFICER_ROLES } from '../domain/corrections/types.js';
import { createRecordWriter, readRecords } from '../lib/io/index.js';
import { ValidationError } from '../lib/errors/index.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SHEET_NAME = 'worklist';

export async function writeWorksheetCsv(out: Writable, items: AsyncIterable<WorklistItem>): Promise<void> {
  const w = createRecordWriter(out, 'csv', { columns: [...WORKSHEET_COLUMNS], bom: true });
  for await (const item of items) await w.write(worksheetRow(item));
  await w.close();
}

export async function writeWorksheetXlsx(out: Writable, items: AsyncIterable<WorklistItem>): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  // Every column is text: ID numbers keep their leading zeros, dates stay as typed.
  ws.columns = WORKSHEET_COLUMNS.map((key) => ({ header: key, key, width: key.startsWith('entered_') || key.startsWith('suggested_') || key.startsWith('corrected_') ? 22 : 14, style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  const officerCols = WORKSHEET_COLUMNS.map((k, i) => (OFFICER_COLUMNS.has(k) ? i + 1 : 0)).filter(Boolean);
  const decisionCol = WORKSHEET_COLUMNS.indexOf('decision') + 1;
  const roleCol = WORKSHEET_COLUMNS.indexOf('officerRole') + 1;
  for await (const item of items) {
    const values = worksheetRow(item);
    const row = ws.addRow(WORKSHEET_COLUMNS.map((k) => (k === 'baseVersion' ? Number(values[k]) : String(values[k] ?? ''))));
    for (const c of officerCols) row.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    row.getCell(decisionCol).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${DECISIONS.join(',')}"`] };
    row.getCell(roleCol).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${OFFICER_ROLES.join(',')}"`] };
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

export interface SheetRow {
  /** Row number as the officer sees it (the header is row 1). */
  row: number;
  cells?: Record<string, unknown>;
  error?: string;
}

/** XLSX files are ZIP archives: `PK\x03\x04`. */
export const isXlsx = (buf: Buffer) => buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;

/** Rows of an uploaded worksheet (XLSX by its signature, else CSV), keyed by the header row. */
export async function* readWorksheet(buf: Buffer): AsyncGenerator<SheetRow> {
  if (!isXlsx(buf)) {
    for await (const r of readRecords(Readable.from([buf]), { format: 'csv' })) {
      yield r.record ? { row: r.line, cells: r.record } : { row: r.line, error: r.error?.reason ?? 'unreadable row' };
    }
    return;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new ValidationError('the upload is not a readable XLSX workbook');
  }
  const ws = wb.getWorksheet(SHEET_NAME) ?? wb.worksheets[0];
  if (!ws) throw new ValidationError('the workbook has no worksheet');
  const header: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => { header[col] = String(cell.value ?? '').trim(); });
  if (!header.includes('recordId')) throw new ValidationError('the worksheet has no recordId column in row 1');
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (!row.hasValues) continue;
    const cells: Record<string, unknown> = {};
    row.eachCell({ includeEmpty: false }, (cell, col) => { if (header[col]) cells[header[col]!] = cell.value; });
    yield { row: r, cells };
  }
}
