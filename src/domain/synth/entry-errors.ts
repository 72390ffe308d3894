import type { Corrections, DoseRecordInput } from '../records.js';
import { lostLeadingZero, transposeDigits, typoDigit } from './ids.js';
import { misspellGivenName, stripDiacritics } from './names.js';
import type { Person } from './population.js';
import { weightedPicker, type Rng } from './prng.js';

/** Error kinds that make a record wrong (each needs a correction). */
export const ERROR_KINDS = [
  'id_typo', 'id_transposed', 'id_lost_leading_zero', 'id_old_used', 'id_missing', 'id_relative',
  'name_no_diacritics', 'name_misspelled',
  'dob_swapped_day_month', 'dob_wrong_year', 'dob_year_only', 'dob_placeholder_0101',
  'gender_missing',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Not an error: the other tone placement (`Hoà`/`Hòa`); the record is still `verified`. */
export const TONE_STYLE = 'tone_style';

type Group = 'id' | 'name' | 'dob';
const GROUP: Record<Exclude<ErrorKind, 'gender_missing'>, Group> = {
  id_typo: 'id', id_transposed: 'id', id_lost_leading_zero: 'id', id_old_used: 'id', id_missing: 'id', id_relative: 'id',
  name_no_diacritics: 'name', name_misspelled: 'name',
  dob_swapped_day_month: 'dob', dob_wrong_year: 'dob', dob_year_only: 'dob', dob_placeholder_0101: 'dob',
};

/** Relative weights of the identity errors (ID ~45%, birth date ~30%, name ~25%). */
const pickKind = weightedPicker<Exclude<ErrorKind, 'gender_missing'>>([
  ['id_typo', 12], ['id_transposed', 8], ['id_lost_leading_zero', 8], ['id_old_used', 6], ['id_missing', 6], ['id_relative', 5],
  ['name_no_diacritics', 13], ['name_misspelled', 12],
  ['dob_swapped_day_month', 7], ['dob_wrong_year', 9], ['dob_year_only', 8], ['dob_placeholder_0101', 6],
]);

export interface EntryContext {
  person: Person;
  /** Other household members (for a relative's ID typed by mistake). */
  relatives: readonly Person[];
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
    case 'gender_missing': rec.gender = ''; return true;
  }
}

export interface InjectedErrors {
  kinds: ErrorKind[];
  corrections: Corrections;
  /** Identity too damaged for an automatic decision: two of ID, name and birth date are wrong. */
  ambiguous: boolean;
}

/**
 * Corrupt the record with one identity error (12% of the time two, in different fields), as
 * a site would type it. Kinds that do not apply to the person are redrawn.
 */
export function injectIdentityErrors(rng: Rng, rec: DoseRecordInput, ctx: EntryContext): ErrorKind[] {
  const kinds: ErrorKind[] = [];
  const want = rng.chance(0.12) ? 2 : 1;
  for (let attempt = 0; kinds.length < want && attempt < 20; attempt++) {
    const kind = pickKind(rng);
    if (kinds.some((k) => GROUP[k as keyof typeof GROUP] === GROUP[kind])) continue;
    if (apply(rng, kind, rec, ctx)) kinds.push(kind);
  }
  return kinds;
}

export function injectMissingGender(rng: Rng, rec: DoseRecordInput, ctx: EntryContext): ErrorKind {
  apply(rng, 'gender_missing', rec, ctx);
  return 'gender_missing';
}

/** The registry values the matcher must put back, and whether the person is still identifiable. */
export function assess(kinds: readonly ErrorKind[], p: Person): InjectedErrors {
  const corrections: Corrections = {};
  for (const k of kinds) {
    if (k === 'gender_missing') corrections.gender = p.gender;
    else if (GROUP[k] === 'id') corrections.idNumber = p.personalId;
    else if (GROUP[k] === 'name') corrections.fullName = p.fullName;
    else corrections.dateOfBirth = p.dateOfBirth;
  }
  const idBroken = kinds.some((k) => k !== 'gender_missing' && GROUP[k] === 'id');
  const nameBroken = kinds.includes('name_misspelled');
  const dobBroken = kinds.includes('dob_wrong_year') || kinds.includes('dob_swapped_day_month');
  return { kinds: [...kinds], corrections, ambiguous: idBroken && (nameBroken || dobBroken) };
}
