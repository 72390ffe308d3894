/**
 * Pure validation of officers' corrections: each new value is parsed with the matcher's own
 * rules (ID numbers, dates, sex) and checked for consistency with the rest of the record,
 * so that a correction can never make a record worse than the matcher would accept.
 */
import {
  decodeCitizenId, formatBirthDate, isVietnamese, normalizeId, parseBirthDate, parseGender,
} from '../matching/index.js';
import type { Corrections, Gender } from '../records.js';
import {
  CORRECTABLE_FIELDS, type CorrectableField, type CorrectionInput, type FieldChange, type FieldProblem,
  type FieldValues, type RecordValues,
} from './types.js';

/** A refused value: the English reason (API, logs) and its catalogue key with parameters (people). */
export type Checked = { value: string } | { reason: string; code: string; params?: Record<string, string | number> };

export interface IdContext {
  /** The holder's sex and birth year as the (corrected) record states them, when readable. */
  gender?: Gender;
  birthYear?: number;
  /** A foreign national may have a passport number instead of a citizen ID. */
  foreign?: boolean;
  currentYear: number;
}

/** A 12-digit citizen ID (or a foreigner's passport): length, kind, province, century/sex digit, birth year. */
export function checkIdNumber(raw: string, ctx: IdContext): Checked {
  const id = normalizeId(raw);
  switch (id.kind) {
    case 'missing': return { reason: 'empty', code: 'v.empty' };
    case 'old': return { reason: 'a 9-digit old ID card number: enter the 12-digit citizen ID', code: 'v.old_id' };
    case 'passport':
      return ctx.foreign ? { value: id.value } : { reason: 'not a 12-digit citizen ID number (a passport number is accepted for foreign nationals only)', code: 'v.passport_not_foreign' };
    case 'invalid': return { reason: `not a 12-digit citizen ID number (${id.digits.length || 'no'} digits)`, code: 'v.id_digits', params: { n: id.digits.length } };
    case 'citizen': break;
  }
  const decoded = decodeCitizenId(id.value)!;
  if (!decoded.provinceKnown) return { reason: `province code ${decoded.provinceCode} (first three digits) does not exist`, code: 'v.id_province', params: { code: decoded.provinceCode } };
  const centuryDigit = Number(id.value[3]);
  if (centuryDigit > 3 || decoded.birthYear > ctx.currentYear) {
    return { reason: `century/sex digit ${centuryDigit} (4th digit) with year digits ${id.value.slice(4, 6)} gives birth year ${decoded.birthYear}, which is not possible`, code: 'v.id_century', params: { digit: centuryDigit, yy: id.value.slice(4, 6), year: decoded.birthYear } };
  }
  if (ctx.gender && decoded.gender !== ctx.gender) {
    return { reason: `the 4th digit (${centuryDigit}) encodes ${decoded.gender}, but the record says ${ctx.gender}`, code: 'v.id_sex', params: { digit: centuryDigit, idSex: decoded.gender, recordSex: ctx.gender } };
  }
  if (ctx.birthYear !== undefined && decoded.birthYear !== ctx.birthYear) {
    return { reason: `digits 4–6 encode birth year ${decoded.birthYear}, but the date of birth is in ${ctx.birthYear}`, code: 'v.id_year', params: { idYear: decoded.birthYear, year: ctx.birthYear } };
  }
  return { value: id.value };
}

const NAME = /^[\p{L}\p{M}][\p{L}\p{M}' .-]*$/u;

export function checkFullName(raw: string): Checked {
  const value = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (value === '') return { reason: 'empty', code: 'v.empty' };
  if (value.length > 100) return { reason: 'longer than 100 characters', code: 'v.name_long' };
  if (!NAME.test(value)) return { reason: 'only letters, spaces, hyphens and apostrophes are allowed', code: 'v.name_chars' };
  return { value };
}

export function checkDateOfBirth(raw: string, currentYear: number): Checked {
  const d = parseBirthDate(raw);
  if (!d) return { reason: `"${raw.slice(0, 20)}" is not a date (use dd/mm/yyyy)`, code: 'v.date', params: { value: raw.slice(0, 20) } };
  if (d.year > currentYear) return { reason: `birth year ${d.year} is in the future`, code: 'v.date_future', params: { year: d.year } };
  // 01/01/yyyy is kept as typed: the officer asserts it (formatBirthDate would reduce it to the year).
  return { value: d.placeholder ? `${d.year}-01-01` : formatBirthDate(d) };
}

export function checkGender(raw: string): Checked {
  const g = parseGender(raw.trim());
  return g ? { value: g } : { reason: `"${raw.slice(0, 20)}" is not a sex (Nam/Nữ, male/female, M/F)`, code: 'v.sex', params: { value: raw.slice(0, 20) } };
}

const blank = (v: string | undefined | null) => v === undefined || v === null || String(v).trim() === '';

/** The values a correction proposes: for `confirm`, the suggestions with the officer's values over them. */
export function proposedValues(input: Pick<CorrectionInput, 'decision' | 'values'>, suggested?: Corrections): FieldValues {
  const out: FieldValues = {};
  if (input.decision === 'confirm' && suggested) {
    for (const f of CORRECTABLE_FIELDS) if (!blank(suggested[f])) out[f] = String(suggested[f]);
  }
  for (const f of CORRECTABLE_FIELDS) {
    const v = input.values?.[f];
    if (!blank(v)) out[f] = String(v).trim();
  }
  return out;
}

/** `Nam` and `male`, `5/3/1990` and `1990-03-05` are the same value: no change to record. */
function sameValue(field: CorrectableField, old: string, next: string): boolean {
  if (old === next) return true;
  if (field === 'gender') return parseGender(old) === next;
  if (field === 'dateOfBirth') {
    const d = parseBirthDate(old);
    return d !== null && !d.placeholder && formatBirthDate(d) === next;
  }
  return false;
}

export interface ValidationOutcome {
  changes: FieldChange[];
  problems: FieldProblem[];
}

/**
 * Validate one correction against the record it changes and the matcher's suggestions.
 * Returns the normalized changes (fields whose value really changes) or the problems.
 */
export function validateCorrection(
  input: CorrectionInput,
  record: RecordValues,
  suggested: Corrections | undefined,
  now: Date = new Date(),
): ValidationOutcome {
  const problems: FieldProblem[] = [];
  const currentYear = now.getUTCFullYear();
  const hasValues = CORRECTABLE_FIELDS.some((f) => !blank(input.values?.[f]));
  if (input.decision === 'explain') {
    if (blank(input.explanation) || input.explanation!.trim().length < 5) problems.push({ field: 'explanation', reason: 'an explanation (at least 5 characters) is required', code: 'v.explanation_short' });
    if (hasValues) problems.push({ field: 'decision', reason: 'an explanation changes no values: use confirm (or reject) to correct them', code: 'v.explain_with_values' });
    return { changes: [], problems };
  }
  const proposed = proposedValues(input, suggested);
  if (input.decision === 'confirm' && Object.keys(proposed).length === 0) {
    return { changes: [], problems: [{ field: 'decision', reason: 'nothing to confirm: no suggested values and no corrected values', code: 'v.nothing_to_confirm' }] };
  }
  const checked = new Map<CorrectableField, string>();
  const take = (field: CorrectableField, c: Checked) => {
    if ('reason' in c) problems.push({ field, reason: c.reason, code: c.code, ...(c.params ? { params: c.params } : {}) });
    else checked.set(field, c.value);
  };
  if (proposed.fullName !== undefined) take('fullName', checkFullName(proposed.fullName));
  if (proposed.dateOfBirth !== undefined) take('dateOfBirth', checkDateOfBirth(proposed.dateOfBirth, currentYear));
  if (proposed.gender !== undefined) take('gender', checkGender(proposed.gender));
  if (proposed.idNumber !== undefined) {
    // Consistency with the record as it will be: new values first, else what was entered.
    const gender = (checked.get('gender') as Gender | undefined) ?? parseGender(record.gender);
    const birthYear = parseBirthDate(checked.get('dateOfBirth') ?? record.dateOfBirth)?.year;
    take('idNumber', checkIdNumber(proposed.idNumber, {
      gender, birthYear, foreign: isVietnamese(record.nationality) === false, currentYear,
    }));
  }
  if (problems.length) return { changes: [], problems };
  const changes: FieldChange[] = [];
  for (const field of CORRECTABLE_FIELDS) {
    const newValue = checked.get(field);
    if (newValue === undefined || sameValue(field, record[field] ?? '', newValue)) continue;
    changes.push({ field, oldValue: record[field] ?? '', newValue });
  }
  return { changes, problems };
}
