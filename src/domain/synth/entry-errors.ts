import type { Corrections, DoseRecordInput } from '../records.js';
import { enteredGender } from './doses.js';
import { lostLeadingZero, transposeDigits, twoTypos, typoDigit } from './ids.js';
import { addMiddle, dropMiddle, keyboardResidue, keyboardSlip, withAnnotation, withTitle } from './name-errors.js';
import { misspellGivenName, stripDiacritics } from './names.js';
import type { Person } from './population.js';
import { weightedPicker, type Rng } from './prng.js';

/** Error kinds that make a record wrong (each needs a correction). */
export const ERROR_KINDS = [
  'id_typo', 'id_transposed', 'id_lost_leading_zero', 'id_old_used', 'id_missing', 'id_relative', 'id_two_typos',
  'name_no_diacritics', 'name_misspelled', 'name_keyboard_slip', 'name_telex', 'name_vni', 'name_middle_dropped', 'name_middle_added',
  'name_title', 'name_annotation',
  'dob_swapped_day_month', 'dob_wrong_year', 'dob_year_only', 'dob_placeholder_0101', 'dob_month_year',
  'gender_wrong',
  'gender_missing',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Not an error: the other tone placement (`Hoà`/`Hòa`); the record is still `verified`. */
export const TONE_STYLE = 'tone_style';

/** Not an error either: a correct birth date exported as a spreadsheet day number (`32813`). */
export const DOB_EXCEL_SERIAL = 'dob_excel_serial';

/**
 * Fields an error kind breaks; a title goes in front of whatever name was typed, an
 * annotation after it.
 */
type Group = 'id' | 'name' | 'dob' | 'sex' | 'title' | 'annotation';
type IdentityKind = Exclude<ErrorKind, 'gender_missing'>;
const GROUP: Record<IdentityKind, Group> = {
  id_typo: 'id', id_transposed: 'id', id_lost_leading_zero: 'id', id_old_used: 'id', id_missing: 'id', id_relative: 'id', id_two_typos: 'id',
  name_no_diacritics: 'name', name_misspelled: 'name', name_keyboard_slip: 'name', name_telex: 'name', name_vni: 'name',
  name_middle_dropped: 'name', name_middle_added: 'name',
  name_title: 'title', name_annotation: 'annotation',
  dob_swapped_day_month: 'dob', dob_wrong_year: 'dob', dob_year_only: 'dob', dob_placeholder_0101: 'dob', dob_month_year: 'dob',
  gender_wrong: 'sex',
};

/**
 * Relative weights of the identity errors, in percent of the records with one (ID ~43%, name
 * ~36%, birth date ~24%, title 5%, sex 3%; a record with two or three errors draws again).
 * The kinds of issue 12 (titles, keyboard residue, middle names, month/year dates, two ID
 * typos, wrong sex) are the share seen in hand-entered registers, coarsely.
 */
export const KIND_WEIGHTS: ReadonlyArray<readonly [IdentityKind, number]> = [
  ['id_typo', 11], ['id_transposed', 7], ['id_lost_leading_zero', 7], ['id_old_used', 5], ['id_missing', 7], ['id_relative', 4],
  ['id_two_typos', 2],
  ['name_no_diacritics', 11], ['name_misspelled', 9], ['name_keyboard_slip', 4], ['name_telex', 3], ['name_vni', 1.5],
  ['name_middle_dropped', 3], ['name_middle_added', 1.5],
  ['name_title', 5], ['name_annotation', 2],
  ['dob_swapped_day_month', 5], ['dob_wrong_year', 6], ['dob_year_only', 5], ['dob_placeholder_0101', 4], ['dob_month_year', 4],
  ['gender_wrong', 3],
];
const pickKind = weightedPicker(KIND_WEIGHTS);

/** Share of records with an identity error that have two, and three (in different fields). */
export const MULTI_ERROR = { two: 0.15, three: 0.03 };

export interface EntryContext {
  person: Person;
  /** Other household members (for a relative's ID typed by mistake). */
  relatives: readonly Person[];
}

function setName(rec: DoseRecordInput, name: string | null): boolean {
  if (name === null) return false;
  rec.fullName = name;
  return true;
}

/** Apply one error kind to the entered record; false when it does not apply to this person. */
function apply(rng: Rng, kind: ErrorKind, rec: DoseRecordInput, ctx: EntryContext): boolean {
  const p = ctx.person;
  const d = p.trueDob;
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (kind) {
    case 'id_typo': rec.idNumber = typoDigit(rng, p.personalId); return true;
    case 'id_transposed': {
      const t = transposeDigits(rng, p.personalId);
      if (!t) return false;
      rec.idNumber = t;
      return true;
    }
    case 'id_lost_leading_zero': rec.idNumber = lostLeadingZero(p.personalId); return true;
    case 'id_old_used':
      if (!p.oldIdNumber) return false;
      rec.idNumber = p.oldIdNumber;
      return true;
    case 'id_missing': rec.idNumber = ''; return true;
    case 'id_two_typos': rec.idNumber = twoTypos(rng, p.personalId); return true;
    case 'id_relative':
      if (ctx.relatives.length === 0) return false;
      rec.idNumber = rng.pick(ctx.relatives).personalId;
      return true;
    case 'name_no_diacritics': {
      const plain = stripDiacritics(p.fullName);
      if (plain === p.fullName) return false;
      rec.fullName = rng.chance(0.5) ? plain.toUpperCase() : plain;
      return true;
    }
    case 'name_misspelled': rec.fullName = misspellGivenName(rng, p.fullName); return true;
    case 'name_keyboard_slip': return setName(rec, keyboardSlip(rng, p));
    case 'name_telex': return setName(rec, keyboardResidue(rng, p, 'telex'));
    case 'name_vni': return setName(rec, keyboardResidue(rng, p, 'vni'));
    case 'name_middle_dropped': return setName(rec, dropMiddle(rng, p));
    case 'name_middle_added': return setName(rec, addMiddle(rng, p));
    case 'name_title': rec.fullName = withTitle(rng, p, rec.fullName); return true;
    case 'name_annotation': rec.fullName = withAnnotation(rng, p, rec.fullName); return true;
    case 'dob_swapped_day_month':
      if (p.precision !== 'day' || d.day > 12 || d.day === d.month) return false;
      rec.dateOfBirth = `${pad(d.month)}/${pad(d.day)}/${d.year}`;
      return true;
    case 'dob_wrong_year': {
      const y = d.year + rng.pick([-10, -1, 1, 10]);
      rec.dateOfBirth = p.precision === 'day' ? `${pad(d.day)}/${pad(d.month)}/${y}` : String(y);
      return true;
    }
    case 'dob_year_only':
      if (p.precision === 'year') return false;
      rec.dateOfBirth = String(d.year);
      return true;
    case 'dob_placeholder_0101':
      if (p.precision !== 'day' || (d.day === 1 && d.month === 1)) return false;
      rec.dateOfBirth = `01/01/${d.year}`;
      return true;
    case 'dob_month_year': {
      if (p.precision !== 'day') return false;
      const style = rng.int(4);
      const m = style === 0 ? pad(d.month) : String(d.month);
      rec.dateOfBirth = style < 2 ? `${m}/${d.year}` : style === 2 ? `T${m}/${d.year}` : `tháng ${m}/${d.year}`;
      return true;
    }
    case 'gender_wrong': rec.gender = enteredGender(rng, p.gender === 'male' ? 'female' : 'male'); return true;
    case 'gender_missing': rec.gender = ''; return true;
  }
}

export interface InjectedErrors {
  kinds: ErrorKind[];
  corrections: Corrections;
  /** Identity too damaged for an automatic decision: no usable ID and a wrong name or birth date. */
  ambiguous: boolean;
}

/**
 * Corrupt the record with one identity error (12% of the time two, in different fields), as
 * a site would type it. Kinds that do not apply to the person are redrawn.
 */
export function injectIdentityErrors(rng: Rng, rec: DoseRecordInput, ctx: EntryContext): ErrorKind[] {
  const x = rng.next();
  const want = x < MULTI_ERROR.three ? 3 : x < MULTI_ERROR.three + MULTI_ERROR.two ? 2 : 1;
  const kinds: ErrorKind[] = [];
  let title = false;
  let annotation = false;
  for (let attempt = 0; kinds.length + (title ? 1 : 0) + (annotation ? 1 : 0) < want && attempt < 20; attempt++) {
    const kind = pickKind(rng);
    if (kinds.some((k) => GROUP[k as IdentityKind] === GROUP[kind])) continue;
    // The title goes in front of whatever name ends up typed, the annotation after it: applied last.
    if (kind === 'name_title') title = true;
    else if (kind === 'name_annotation') annotation = true;
    else if (apply(rng, kind, rec, ctx)) kinds.push(kind);
  }
  if (title && apply(rng, 'name_title', rec, ctx)) kinds.push('name_title');
  if (annotation && apply(rng, 'name_annotation', rec, ctx)) kinds.push('name_annotation');
  return kinds;
}

/**
 * The second error typed on records without an ID number (issue 19), by relative weight: a
 * placeholder or year-only birth date, a misspelt or slipped name, day and month swapped,
 * the other sex.
 */
export const NO_ID_SECOND_WEIGHTS: ReadonlyArray<readonly [IdentityKind, number]> = [
  ['dob_placeholder_0101', 3], ['dob_year_only', 3], ['name_misspelled', 3], ['name_keyboard_slip', 2],
  ['dob_swapped_day_month', 2], ['gender_wrong', 2],
];
const pickNoIdSecond = weightedPicker(NO_ID_SECOND_WEIGHTS);

/** No ID number and one more error (redrawn until one applies to the person). */
export function injectNoIdWithSecond(rng: Rng, rec: DoseRecordInput, ctx: EntryContext): ErrorKind[] {
  apply(rng, 'id_missing', rec, ctx);
  for (let attempt = 0; attempt < 20; attempt++) {
    const kind = pickNoIdSecond(rng);
    if (apply(rng, kind, rec, ctx)) return ['id_missing', kind];
  }
  return ['id_missing'];
}

/** Spreadsheet day number of a date (day 1 = 1900-01-01, with the Lotus 1900-02-29). */
export function excelSerial(d: { year: number; month: number; day: number }): number {
  return Math.round((Date.UTC(d.year, d.month - 1, d.day) - Date.UTC(1899, 11, 30)) / 86_400_000);
}

export function injectMissingGender(rng: Rng, rec: DoseRecordInput, ctx: EntryContext): ErrorKind {
  apply(rng, 'gender_missing', rec, ctx);
  return 'gender_missing';
}

/** The registry values the matcher must put back, and whether the person is still identifiable. */
export function assess(kinds: readonly ErrorKind[], p: Person): InjectedErrors {
  const corrections: Corrections = {};
  for (const k of kinds) {
    if (k === 'gender_missing' || k === 'gender_wrong') corrections.gender = p.gender;
    else if (GROUP[k] === 'id') corrections.idNumber = p.personalId;
    else if (GROUP[k] === 'name' || GROUP[k] === 'title' || GROUP[k] === 'annotation') corrections.fullName = p.fullName;
    else corrections.dateOfBirth = p.dateOfBirth;
  }
  // Without a usable ID number (none, a relative's, two digits wrong) the name and the birth date must carry the record.
  const idBroken = kinds.includes('id_missing') || kinds.includes('id_relative') || kinds.includes('id_two_typos');
  const nameBroken = kinds.includes('name_misspelled') || kinds.includes('name_keyboard_slip');
  const dobBroken = kinds.includes('dob_wrong_year') || kinds.includes('dob_swapped_day_month');
  return { kinds: [...kinds], corrections, ambiguous: idBroken && (nameBroken || dobBroken) };
}
