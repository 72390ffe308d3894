import { foldName } from '../matching/index.js';
import { isTextKey, text, type Lang, type TextKey } from '../i18n/catalogue.js';
import { displayDate, displayDateTime, displayGender } from '../i18n/format.js';
import { INSTRUCTIONS_MARKER, SIGN_OFF_COLUMNS, columnLabel } from './worksheet.js';

/**
 * The commune police's sign-off sheet (issue 28): Vietnamese headers, an instructions row, one
 * row per changed field, values as officers read them (field names in words, dates dd/mm/yyyy,
 * sex Nam/Nữ, the health station's proposal in words); the police write "Phê duyệt" or "Không
 * phê duyệt" in the last column. Read back by the worksheet reader (headers in either language or
 * the keys; `approve`/`refuse` still accepted from scripts).
 */
export const SIGN_OFF_DECISIONS = ['approve', 'refuse'] as const;
export type SignOffDecision = (typeof SIGN_OFF_DECISIONS)[number];

export interface SignOffSheetItem {
  id: string;
  recordId: string;
  decision: string;
  explanation?: string | null;
  changes?: { field: string; oldValue?: string | null; newValue: string }[] | null;
  officer?: { name?: string | null } | null;
  createdAt: Date | string;
}

export const signOffLabels = (lang: Lang = 'vi') => SIGN_OFF_COLUMNS.map((k) => columnLabel(k, lang));
const shown = (field: string, v: string | null | undefined, lang: Lang) => (field === 'dateOfBirth' ? displayDate(v) : field === 'gender' ? displayGender(v, lang) : v ?? '');
const words = (key: string, lang: Lang) => (isTextKey(key) ? text(key as TextKey, lang) : key);

/** One sheet row per changed field of a correction, keyed by column. */
export function signOffRows(c: SignOffSheetItem, lang: Lang = 'vi'): Record<string, string>[] {
  return (c.changes ?? []).map((ch) => ({
    correctionId: c.id, recordId: c.recordId, field: words(ch.field, lang), oldValue: shown(ch.field, ch.oldValue, lang), newValue: shown(ch.field, ch.newValue, lang),
    officerDecision: words(c.decision, lang), explanation: c.explanation ?? '', submittedBy: c.officer?.name ?? '',
    submittedAt: displayDateTime(new Date(c.createdAt)), signOff: '',
  }));
}

/** The row under the header: the marker (the reader skips it) and what to write where. */
export function signOffInstructionsRow(lang: Lang = 'vi'): Record<string, string> {
  const row: Record<string, string> = Object.fromEntries(SIGN_OFF_COLUMNS.map((k) => [k, text('sheet.ro', lang)]));
  // The ID columns hold at most 80 characters (the reader's bound): the marker there, the how-to in the explanation's column.
  row.correctionId = text('sheet.instructionsMarker', lang);
  row.explanation = text('sheet.signOffHowTo', lang);
  row.signOff = text('sheet.signOffFill', lang);
  return row;
}

export const isInstructionsCell = (v: string) => foldName(v).startsWith(foldName(INSTRUCTIONS_MARKER)) || foldName(v).startsWith('instructions');

const WORDS = new Map<string, SignOffDecision>([
  ['approve', 'approve'], ['refuse', 'refuse'], ['phe duyet', 'approve'], ['dong y', 'approve'], ['duyet', 'approve'],
  ['khong phe duyet', 'refuse'], ['khong dong y', 'refuse'], ['tu choi', 'refuse'], ['khong duyet', 'refuse'],
]);
/** The police's word for a correction: Phê duyệt / Không phê duyệt (or approve / refuse), any case or accents. */
export function parseSignOff(raw: string): SignOffDecision | undefined {
  return WORDS.get(raw.trim().toLowerCase()) ?? WORDS.get(foldName(raw));
}
