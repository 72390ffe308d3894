/**
 * The officer's worksheet (CSV or XLSX): one row per worklist record with the entered values,
 * the matcher's suggestions pre-filled, and columns the officer fills in. Pure mapping both
 * ways; reading and writing files lives in the services.
 */
import { foldName } from '../matching/index.js';
import { LANGS, isTextKey, text, type Lang, type TextKey } from '../i18n/catalogue.js';
import { displayDate, displayDateTime, displayGender } from '../i18n/format.js';
import { reasonText } from '../i18n/reasons.js';
import { evidenceText } from '../i18n/evidence.js';
import type { Candidate, Corrections, MatchEvidence, Outcome } from '../records.js';
import {
  CORRECTABLE_FIELDS, DECISIONS, OFFICER_ROLES, type CorrectionInput, type Decision, type FieldProblem,
  type FieldValues, type OfficerRole, type RecordValues,
} from './types.js';

/** One record of a locality's worklist (the API item and the source of a worksheet row). */
export interface WorklistItem {
  recordId: string;
  communeCode: string;
  /** The record's current version: a correction names it as its `baseVersion`. */
  version: number;
  roundId: string;
  outcome: Outcome;
  reason?: string;
  score?: number;
  entered: RecordValues;
  suggested?: Corrections;
  candidates?: Candidate[];
  /** The matcher's evidence, shown in words in the `evidence` column. */
  evidence?: MatchEvidence;
  /** A correction was applied and its re-verification has not reported yet. */
  correctionPending: boolean;
  /** A correction of this record waits for the commune police's approval (issue 28: marked in the list). */
  awaitingSignOff?: boolean;
  /** Where the dose was given: the facility ID the record carries, and its name from the facility register. */
  facilityId?: string;
  facilityName?: string;
}

const f = (prefix: string) => CORRECTABLE_FIELDS.map((x) => `${prefix}_${x}`);

/**
 * Column keys, in order. The header row holds their Vietnamese labels (`sheet.<key>` in the
 * catalogue); a sheet with the keys themselves as headers (older exports, scripts) reads too.
 * Who corrected is the signed-in identity, so the sheet has no officer columns.
 */
export const WORKSHEET_COLUMNS = [
  'recordId', 'baseVersion', 'outcome', 'reason', 'candidates', 'evidence', 'facility',
  ...f('entered'), 'entered_nationality',
  ...f('suggested'),
  ...f('corrected'),
  'decision', 'explanation', 'check',
] as const;

/** Columns the officer fills in (highlighted in the XLSX). */
export const OFFICER_COLUMNS: ReadonlySet<string> = new Set([...f('corrected'), 'decision', 'explanation', 'officerName', 'officerRole', 'signedOffBy']);

/** Read-only columns the `check` cell guards: an edit there is refused naming the cell. */
export const CHECKED_COLUMNS = ['recordId', 'baseVersion', 'outcome', 'reason', 'candidates', ...f('entered'), 'entered_nationality', ...f('suggested')] as const;

/** Columns a sheet may also carry (older exports): read, never written. */
const LEGACY_COLUMNS = ['officerName', 'officerRole', 'signedOffBy'] as const;

/** The police's sign-off sheet (sign-off-sheet.ts): read by the same header rule, labels in either language or the keys. */
export const SIGN_OFF_COLUMNS = ['correctionId', 'recordId', 'field', 'oldValue', 'newValue', 'officerDecision', 'explanation', 'submittedBy', 'submittedAt', 'signOff'] as const;

export const columnLabel = (key: string, lang: Lang = 'vi'): string => (isTextKey(`sheet.${key}`) ? text(`sheet.${key}` as TextKey, lang) : key);

/** Header cell → column key: a label in either language, or the key itself. */
const HEADER_KEYS = new Map<string, string>(
  [...WORKSHEET_COLUMNS, ...LEGACY_COLUMNS, ...SIGN_OFF_COLUMNS].flatMap((k) => LANGS.map((l) => [foldHeader(columnLabel(k, l)), k] as [string, string]).concat([[foldHeader(k), k]])),
);
function foldHeader(h: string): string { return foldName(h).replace(/[^a-z0-9_]/g, ''); }
export function headerKey(header: string): string { return HEADER_KEYS.get(foldHeader(header)) ?? header.trim(); }

/** The first cell of the instructions row (CSV) that a reader skips. */
export const INSTRUCTIONS_MARKER = text('sheet.instructionsMarker', 'vi');

/** What a read-only cell holds, compared loosely: spreadsheet programs drop leading zeros and reformat dates. */
function looseCell(v: string): string {
  return v.normalize('NFC').toLowerCase().replace(/\s+/g, '').replace(/(^|\D)0+(\d)/g, '$1$2');
}
/** 16-bit FNV-1a of a read-only cell, four hex digits per column. */
function cellHash(recordId: string, key: string, value: string): string {
  let h = 0x811c9dc5;
  const s = `${recordId}\u0001${key}\u0001${looseCell(value)}`;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}
export function checkCode(row: Record<string, string | number>): string {
  const id = String(row.recordId ?? '');
  return CHECKED_COLUMNS.map((k) => cellHash(id, k, String(row[k] ?? ''))).join('');
}

/** 'Trạm Y tế xã Tản Lĩnh (F09697-1)'; the bare ID for a site the register lacks. */
export const facilityText = (item: Pick<WorklistItem, 'facilityId' | 'facilityName'>): string =>
  (item.facilityName ? `${item.facilityName} (${item.facilityId})` : item.facilityId ?? '');

/** A worksheet row as officers read it: outcome and reason in words, dates dd/mm/yyyy, sex Nam/Nữ. */
export function worksheetRow(item: WorklistItem, lang: Lang = 'vi'): Record<string, string | number> {
  const shown = (k: string, v: string | undefined) => (k === 'dateOfBirth' ? displayDate(v) : k === 'gender' ? displayGender(v, lang) : v ?? '');
  const row: Record<string, string | number> = {
    recordId: item.recordId,
    baseVersion: item.version,
    outcome: text(item.outcome, lang),
    reason: reasonText(item.reason, lang),
    candidates: (item.candidates ?? []).map((c) => `${c.personalId} (${c.score.toFixed(2)})`).join('; '),
    // Read-only and outside the check code: sheets exported before the column existed still read.
    evidence: evidenceText(item.evidence, lang),
    // The site's name from the facility register (its ID beside it), read-only and outside the check code like the evidence.
    facility: facilityText(item),
    entered_nationality: item.entered.nationality,
  };
  for (const x of CORRECTABLE_FIELDS) {
    row[`entered_${x}`] = shown(x, item.entered[x]);
    row[`suggested_${x}`] = shown(x, item.suggested?.[x]);
    row[`corrected_${x}`] = '';
  }
  row.decision = '';
  row.explanation = '';
  row.check = checkCode(row);
  return row;
}

/** The instructions: one row under the CSV header, a sheet of their own in the XLSX. */
export function instructionLines(ctx: { commune: string; count: number; at: Date }, lang: Lang = 'vi'): string[] {
  return [
    text('sheet.i1', lang, { commune: ctx.commune, n: ctx.count, at: displayDateTime(ctx.at) }),
    ...(['sheet.i2', 'sheet.i3', 'sheet.i4', 'sheet.i5', 'sheet.i6', 'sheet.i7'] as const).map((k) => text(k, lang)),
  ];
}
/** The CSV's instructions row: the marker, then what each column is for. */
export function instructionsRow(lang: Lang = 'vi'): Record<string, string> {
  const row: Record<string, string> = {};
  for (const k of WORKSHEET_COLUMNS) row[k] = OFFICER_COLUMNS.has(k) ? text('sheet.fill', lang) : text('sheet.ro', lang);
  // A CSV has no colours: its row names the columns to fill by the words on this row. The ID
  // column holds at most 80 characters (the reader's bound): the marker there, the how-to beside it.
  row.recordId = text('sheet.instructionsMarker', lang);
  row.reason = text('sheet.i2csv', lang);
  row.decision = text('sheet.fillDecision', lang);
  row.explanation = text('sheet.fillExplanation', lang);
  return row;
}

/** A spreadsheet cell as text: numbers, dates (dd/mm/yyyy), rich text and formula results. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('').trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
  }
  return String(v).trim();
}

const DECISION_WORDS = new Map<string, Decision>([
  ...DECISIONS.map((d) => [d, d] as const),
  ['xac nhan', 'confirm'], ['xac nhan sua', 'confirm'], ['dong y', 'confirm'], ['tu choi', 'reject'], ['khong dong y', 'reject'],
  ['khong theo goi y', 'reject'], ['giai trinh', 'explain'], ['confirm correction', 'confirm'], ['reject suggestion', 'reject'],
]);

export function parseDecision(raw: string): Decision | undefined {
  if (raw === '') return undefined;
  return DECISION_WORDS.get(raw.toLowerCase()) ?? DECISION_WORDS.get(foldName(raw));
}

export type WorksheetRowResult =
  | { kind: 'skip' }
  | { kind: 'problems'; recordId?: string; problems: FieldProblem[] }
  | { kind: 'correction'; input: CorrectionInput };

/** Where a row sits, for naming cells: its number and the sheet's column keys in order. */
export interface RowPlace { row?: number; columns?: readonly string[] }

const letters = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : letters(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
/** `F5`: the spreadsheet cell of a column in a row, when the place is known. */
export function cellName(key: string, place: RowPlace): string {
  const i = place.columns?.indexOf(key) ?? -1;
  return i >= 0 && place.row ? `${letters(i)}${place.row}` : key;
}

/** Read-only cells changed since the export (the row's `check` code says what they held). */
function editedReadOnly(t: (k: string) => string, place: RowPlace): FieldProblem[] {
  const code = t('check');
  if (code === '') return []; // a sheet without the column (older exports, scripts)
  const id = t('recordId');
  if (!/^[0-9a-f]+$/.test(code) || code.length !== CHECKED_COLUMNS.length * 4) {
    return [{ field: 'check', reason: 'the check column was edited: export the worklist again', code: 'v.check_edited', params: { cell: cellName('check', place) } }];
  }
  const problems: FieldProblem[] = [];
  for (const [i, k] of CHECKED_COLUMNS.entries()) {
    if (code.slice(i * 4, i * 4 + 4) === cellHash(id, k, t(k))) continue;
    const field = k.replace(/^(entered|suggested)_/, '');
    const target = (CORRECTABLE_FIELDS as readonly string[]).includes(field) ? `corrected_${field}` : 'explanation';
    problems.push({
      field: k,
      reason: `cell ${cellName(k, place)} (${k}) is read-only but was edited: put the change in ${target}`,
      code: 'v.readonly_edited',
      params: { cell: cellName(k, place), column: columnLabel(k), target: columnLabel(target) },
    });
    if (k === 'recordId') break; // every other cell's code names the record too
  }
  return problems;
}

/**
 * Read one filled row. A row with no decision, no corrected value and no explanation was not
 * filled in and is skipped (the instructions row too), unless a read-only cell was edited: that
 * is refused naming the cell, so an officer who typed the right name over the entered one learns
 * where it belongs. A row with corrected values and no decision means `confirm` (apply these
 * values; blanks take the suggestions).
 */
export function readWorksheetRow(
  cells: Record<string, unknown>, defaults: { officerName?: string; officerRole?: OfficerRole } = {}, place: RowPlace = {},
): WorksheetRowResult {
  const t = (k: string) => cellText(cells[k]);
  if (t('recordId').toUpperCase().startsWith(INSTRUCTIONS_MARKER) || t('recordId').toUpperCase().startsWith(text('sheet.instructionsMarker', 'en'))) return { kind: 'skip' };
  const values: FieldValues = {};
  for (const x of CORRECTABLE_FIELDS) if (t(`corrected_${x}`) !== '') values[x] = t(`corrected_${x}`);
  const decisionText = t('decision');
  const explanation = t('explanation');
  const edited = editedReadOnly(t, place);
  if (edited.length) return { kind: 'problems', recordId: t('recordId') || undefined, problems: edited };
  if (decisionText === '' && explanation === '' && Object.keys(values).length === 0) return { kind: 'skip' };

  const problems: FieldProblem[] = [];
  const recordId = t('recordId');
  if (recordId === '') problems.push({ field: 'recordId', reason: 'empty', code: 'v.empty' });
  const versionText = t('baseVersion');
  const baseVersion = Number(versionText);
  if (versionText === '' || !Number.isInteger(baseVersion) || baseVersion < 0) problems.push({ field: 'baseVersion', reason: 'must be the record version from the export (a whole number)', code: 'v.base_version' });
  let decision = parseDecision(decisionText);
  if (decisionText === '' && Object.keys(values).length > 0) decision = 'confirm';
  if (decisionText === '' && !decision) decision = explanation !== '' ? 'explain' : undefined;
  if (!decision) problems.push({ field: 'decision', reason: `"${decisionText.slice(0, 20)}" is not one of ${DECISIONS.join(', ')}`, code: 'v.decision', params: { value: decisionText.slice(0, 20) } });
  const officerName = t('officerName') || defaults.officerName || '';
  if (officerName === '') problems.push({ field: 'officerName', reason: 'empty: who made the correction must be recorded', code: 'v.officer_name' });
  const roleText = t('officerRole') || defaults.officerRole || 'health_station';
  const role = OFFICER_ROLES.find((r) => r === roleText.toLowerCase());
  if (!role) problems.push({ field: 'officerRole', reason: `must be one of ${OFFICER_ROLES.join(', ')}`, code: 'v.officer_role' });
  if (problems.length) return { kind: 'problems', recordId: recordId || undefined, problems };

  const signedOffBy = t('signedOffBy');
  return {
    kind: 'correction',
    input: {
      recordId,
      baseVersion,
      decision: decision!,
      values,
      ...(explanation ? { explanation } : {}),
      officer: { name: officerName, role: role! },
      ...(signedOffBy ? { signOff: { by: signedOffBy, role: 'commune_police' as const } } : {}),
    },
  };
}
