/**
 * Worksheet files: CSV (UTF-8 with BOM, opens in Excel) and XLSX (exceljs, streamed), written
 * from worklist items and read back from an officer's filled copy.
 */
import { Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  OFFICER_COLUMNS, WORKSHEET_COLUMNS, cellText, columnLabel, headerKey, instructionLines, instructionsRow, worksheetRow, type WorklistItem,
} from '../domain/corrections/worksheet.js';
import { DECISIONS } from '../domain/corrections/types.js';
import { text } from '../domain/i18n/index.js';
import { RecordFormatError, createRecordWriter, readRecords } from '../lib/io/index.js';
import { XlsxLimitError, checkXlsxLimits } from '../lib/io/xlsx-limits.js';
import { ValidationError } from '../lib/errors/index.js';
import { neutraliseRow, unneutraliseCell } from '../lib/csv-safe.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SHEET_NAME = text('sheet.name', 'vi');

/** What the instructions say about the sheet: the commune's name, how many rows, when. */
export interface SheetContext { commune: string; at?: Date }

const LABELS = WORKSHEET_COLUMNS.map((k) => columnLabel(k));
const labelled = (row: Record<string, unknown>) => Object.fromEntries(WORKSHEET_COLUMNS.map((k, i) => [LABELS[i]!, row[k]]));

/** The officer's worksheet as CSV: Vietnamese headers, an instructions row, then one row per record. */
export async function writeWorksheetCsv(out: Writable, items: AsyncIterable<WorklistItem>): Promise<void> {
  const w = createRecordWriter(out, 'csv', { columns: LABELS, bom: true });
  await w.write(labelled(instructionsRow()));
  for await (const item of items) await w.write(neutraliseRow(labelled(worksheetRow(item))));
  await w.close();
}

/** Any rows as CSV (UTF-8 with BOM), cells neutralised against formula injection. */
export async function writeCsv(out: Writable, columns: readonly string[], rows: AsyncIterable<Record<string, unknown>>): Promise<void> {
  const w = createRecordWriter(out, 'csv', { columns: [...columns], bom: true });
  for await (const row of rows) await w.write(neutraliseRow(row));
  await w.close();
}

/** Words for the decision drop-down: what the reader accepts (parseDecision), in the officer's language. */
const DECISION_CHOICES = DECISIONS.map((d) => text(d, 'vi'));

/**
 * The worksheet as XLSX: Vietnamese headers, text columns, the officer's columns highlighted, a
 * decision drop-down, and a second sheet with the instructions (the reader reads the first).
 */
export async function writeWorksheetXlsx(out: Writable, items: AsyncIterable<WorklistItem>, ctx?: SheetContext): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  // Every column is text: ID numbers keep their leading zeros, dates stay as typed.
  ws.columns = WORKSHEET_COLUMNS.map((key, i) => ({ header: LABELS[i], key, width: key.startsWith('entered_') || key.startsWith('suggested_') || key.startsWith('corrected_') ? 22 : key === 'check' ? 10 : key === 'evidence' ? 60 : 16, style: { numFmt: '@' } }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  const officerCols = WORKSHEET_COLUMNS.map((k, i) => (OFFICER_COLUMNS.has(k) ? i + 1 : 0)).filter(Boolean);
  const decisionCol = WORKSHEET_COLUMNS.indexOf('decision') + 1;
  let n = 0;
  for await (const item of items) {
    const values = worksheetRow(item);
    const row = ws.addRow(WORKSHEET_COLUMNS.map((k) => (k === 'baseVersion' ? Number(values[k]) : String(values[k] ?? ''))));
    for (const c of officerCols) row.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    row.getCell(decisionCol).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${DECISION_CHOICES.join(',')}"`] };
    row.commit();
    n++;
  }
  ws.commit();
  const help = wb.addWorksheet(text('sheet.instructionsName', 'vi'));
  help.columns = [{ header: text('sheet.instructionsName', 'vi'), key: 'line', width: 120 }];
  for (const line of instructionLines({ commune: ctx?.commune ?? '', count: n, at: ctx?.at ?? new Date() })) help.addRow([line]).commit();
  help.commit();
  await wb.commit();
}

export interface SheetRow {
  /** Row number as the officer sees it (the header is row 1). */
  row: number;
  /** Column keys in the sheet's order (to name a cell: `F5`). */
  columns?: readonly string[];
  cells?: Record<string, unknown>;
  error?: string;
}

/** XLSX files are ZIP archives: `PK\x03\x04`. */
export const isXlsx = (buf: Buffer) => buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;

export interface ReadLimits {
  /** Data rows read at most; the rest of the file is refused with a clear error. */
  maxRows?: number;
  /** The column that must be in the header row (recordId for officers' sheets, correctionId for the police's). */
  keyColumn?: string;
  /** XLSX: bytes inflated from the archive at most (all entries). */
  maxInflatedBytes?: number;
  /** XLSX: shared strings at most (count, and bytes of xl/sharedStrings.xml). */
  maxSharedStrings?: number;
  maxSharedStringBytes?: number;
  /** Characters of one cell at most (ID columns: ID_CELL_CHARS, as the API's schema). */
  maxCellChars?: number;
  /** Characters of all cells together at most. */
  maxTotalChars?: number;
}

/** Spreadsheets of a commune are a few thousand rows: 20,000 is far above any real one. */
const DEFAULT_MAX_ROWS = 20_000;
/**
 * A full 20,000-row worksheet (25 text columns, inline strings) inflates to ~50 MB of XML; twice
 * that is refused. Excel re-saves text as shared strings: at most ~12 distinct texts per row
 * (names, IDs, dates, decisions) plus headers, 16 MB of them.
 */
const DEFAULT_MAX_INFLATED_BYTES = 100 * 1024 * 1024;
const SHARED_STRINGS_PER_ROW = 12;
const DEFAULT_MAX_SHARED_STRING_BYTES = 16 * 1024 * 1024;
/** The longest text the API accepts in any field (an explanation: request-schemas' 2000). */
const DEFAULT_MAX_CELL_CHARS = 2000;
/** recordId and correctionId: the API schema's 80. */
const ID_CELL_CHARS = 80;
const ID_COLUMNS = new Set(['recordId', 'correctionId']);
/** 20,000 rows of ~25 short cells are ~6 M characters; 16 M is far above any real sheet and bounds memory. */
const DEFAULT_MAX_TOTAL_CHARS = 16 * 1024 * 1024;

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
function columnLetters(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/**
 * Bounds every cell before anything uses it: a cell over its cap (or a sheet over the total)
 * refuses the whole upload with a 400 naming the column and cell, never echoing the value.
 */
function cellBounds(limits: ReadLimits) {
  const maxCell = limits.maxCellChars ?? DEFAULT_MAX_CELL_CHARS;
  const maxTotal = limits.maxTotalChars ?? DEFAULT_MAX_TOTAL_CHARS;
  let total = 0;
  return (field: string, column: number, row: number, value: unknown) => {
    const n = cellText(value).length;
    const cap = ID_COLUMNS.has(field) ? Math.min(ID_CELL_CHARS, maxCell) : maxCell;
    const cell = `${columnLetters(column)}${row}`;
    if (n > cap) throw new ValidationError(`cell ${cell} (${field}) is longer than ${cap} characters`, { field, cell, row, maxChars: cap, code: 'v.cell_too_long' });
    total += n;
    if (total > maxTotal) throw new ValidationError(`the worksheet holds more than ${maxTotal} characters: split it`, { field: '(file)', row, maxChars: maxTotal, code: 'v.sheet_too_large' });
  };
}

/**
 * Rows of an uploaded worksheet (XLSX by its signature, else CSV), keyed by the header row. An
 * XLSX is first checked by `checkXlsxLimits` (inflated bytes, shared strings and every row, empty
 * or not, counted while streaming; nothing cached) and only then read with exceljs's streaming
 * reader. Both formats stop at `maxRows`; every failure is a ValidationError (400).
 */
export async function* readWorksheet(buf: Buffer, limits: ReadLimits = {}): AsyncGenerator<SheetRow> {
  const maxRows = limits.maxRows ?? DEFAULT_MAX_ROWS;
  const keyColumn = limits.keyColumn ?? 'recordId';
  const tooMany = () => new ValidationError(`the worksheet has more than ${maxRows} rows: split it`, { field: '(file)', maxRows, code: 'v.too_many_rows' });
  let n = 0;
  const bound = cellBounds(limits);
  if (!isXlsx(buf)) {
    let columns: string[] = [];
    try {
      for await (const r of readRecords(Readable.from([buf]), { format: 'csv', onHeader: (h) => { columns = h.map(headerKey); } })) {
        if (n === 0 && !columns.includes(keyColumn)) throw new ValidationError(`the worksheet has no ${keyColumn} column in row 1`, { field: '(file)', code: 'v.no_key_column' });
        if (++n > maxRows) throw tooMany();
        if (r.record) Object.entries(r.record).forEach(([k, v], i) => bound(columns[i] ?? headerKey(k), i + 1, r.line, v));
        yield r.record ? { row: r.line, columns, cells: unneutralise(keyed(r.record)) } : { row: r.line, columns, error: r.error?.reason ?? 'unreadable row' };
      }
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      if (err instanceof RecordFormatError) throw new ValidationError(`the worksheet is not a readable CSV: ${err.message}`, { field: '(file)' });
      throw err;
    }
    return;
  }
  try {
    await checkXlsxLimits(buf, {
      maxRows: maxRows + 1, // the header row
      maxInflatedBytes: limits.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
      maxSharedStrings: limits.maxSharedStrings ?? Math.max(1000, maxRows * SHARED_STRINGS_PER_ROW),
      maxSharedStringBytes: limits.maxSharedStringBytes ?? DEFAULT_MAX_SHARED_STRING_BYTES,
    });
  } catch (err) {
    if (err instanceof XlsxLimitError) throw new ValidationError(err.message, { field: '(file)', limit: err.limit });
    throw err;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore',
  });
  let header: string[] | null = null;
  try {
    for await (const ws of reader) {
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values ?? []) as unknown[];
        if (!header) {
          header = values.map((v) => headerKey(String(v ?? '')));
          if (!header.includes(keyColumn)) throw new ValidationError(`the worksheet has no ${keyColumn} column in row 1`, { field: '(file)', code: 'v.no_key_column' });
          continue;
        }
        // Every row counts against the cap, empty or not (an empty row costs the reader as much).
        if (++n > maxRows) throw tooMany();
        if (!values.some((v) => v !== null && v !== undefined && v !== '')) continue;
        const cells: Record<string, unknown> = {};
        values.forEach((v, col) => {
          if (v === null || v === undefined) return;
          bound(header![col] || '(column)', col, row.number, v);
          if (header![col]) cells[header![col]!] = v;
        });
        yield { row: row.number, columns: header.slice(1), cells };
      }
      break; // the first worksheet is the sheet
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError('the upload is not a readable XLSX workbook', { field: '(file)', code: 'v.unreadable_file' });
  }
  if (!header) throw new ValidationError('the workbook has no worksheet');
}

/** Cells keyed by column key, whatever language the header row was in. */
function keyed(cells: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cells)) out[headerKey(k)] = v;
  return out;
}

function unneutralise(cells: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cells)) out[k] = unneutraliseCell(v);
  return out;
}
