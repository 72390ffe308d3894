/**
 * Dose records as a vaccination site would enter them for the fixture population: harmless
 * formatting noise everywhere, and real errors at campaign-like rates (~21% of doses),
 * each recorded in the ground truth with the registry values that must be restored.
 */
import type { Corrections, DoseRecordInput, GroundTruth } from '../../src/domain/records.js';
import { FOREIGN_NAMES, FOREIGN_NATIONALITIES, otherTonePlacement } from './names.js';
import type { Person } from './people.js';
import type { Rng } from './rng.js';

export const ERROR_RATE = 0.21;
/** Of the doses with an error, this share has a second one in another field. */
const SECOND_ERROR_RATE = 0.1;

type Field = 'idNumber' | 'fullName' | 'dateOfBirth' | 'gender';

/** Error kinds with relative weights and the field they corrupt. */
const ERRORS: [kind: string, weight: number, field: Field][] = [
  ['id_substitution', 14, 'idNumber'],
  ['id_transposition', 8, 'idNumber'],
  ['id_zeros_lost', 10, 'idNumber'],
  ['id_missing', 8, 'idNumber'],
  ['id_old_cmnd', 6, 'idNumber'],
  ['id_relative', 5, 'idNumber'],
  ['id_extra_digit', 2, 'idNumber'],
  ['dob_swap', 8, 'dateOfBirth'],
  ['dob_year_only', 6, 'dateOfBirth'],
  ['dob_placeholder', 4, 'dateOfBirth'],
  ['dob_day', 5, 'dateOfBirth'],
  ['dob_year_digit', 3, 'dateOfBirth'],
  ['name_no_diacritics', 12, 'fullName'],
  ['name_typo', 4, 'fullName'],
  ['name_missing_middle', 4, 'fullName'],
  ['gender_wrong', 3, 'gender'],
];

function pickError(rng: Rng, exclude?: Field): [string, Field] {
  const pool = ERRORS.filter(([, , f]) => f !== exclude);
  let x = rng.next() * pool.reduce((s, [, w]) => s + w, 0);
  for (const [kind, w, field] of pool) if ((x -= w) < 0) return [kind, field];
  return [pool[0]![0], pool[0]![2]];
}

function formatDate(rng: Rng, iso: string): string {
  if (iso.length === 4) return iso;
  const [y, m, d] = iso.split('-') as [string, string, string];
  const style = rng.next();
  if (style < 0.6) return `${d}/${m}/${y}`;
  if (style < 0.75) return `${Number(d)}/${Number(m)}/${y}`;
  if (style < 0.88) return iso;
  if (style < 0.94) return `${d}-${m}-${y}`;
  if (style < 0.98) return `${d}.${m}.${y}`;
  // A spreadsheet serial day number.
  return String(Math.round((Date.UTC(+y, +m - 1, +d) - Date.UTC(1899, 11, 30)) / 86_400_000));
}

function noisyName(rng: Rng, name: string): string {
  let out = rng.chance(0.3) ? otherTonePlacement(name) : name;
  if (rng.chance(0.1)) out = out.toUpperCase();
  if (rng.chance(0.05)) out = ` ${out.replace(' ', '  ')} `;
  if (rng.chance(0.05)) out = out.normalize('NFD');
  return out;
}

function noisyGender(rng: Rng, gender: 'male' | 'female'): string {
  const x = rng.next();
  if (x < 0.7) return gender === 'male' ? 'Nam' : 'Nữ';
  if (x < 0.8) return gender;
  if (x < 0.9) return gender === 'male' ? 'M' : 'F';
  return '';
}

function nationality(rng: Rng): string {
  const x = rng.next();
  return x < 0.6 ? 'VN' : x < 0.8 ? 'Việt Nam' : x < 0.85 ? 'VNM' : '';
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

function typo(rng: Rng, name: string): string {
  const words = name.split(' ');
  const i = rng.int(0, words.length - 2); // family or middle name: the given name stays recognisable
  const w = [...words[i]!];
  const at = rng.int(1, Math.max(1, w.length - 1));
  if (at < w.length && rng.chance(0.5)) w.splice(at, 1);
  else w.splice(at, 0, w[at - 1]!);
  words[i] = w.join('');
  return words.join(' ');
}

function shiftDay(iso: string, rng: Rng): string {
  const d = Number(iso.slice(8, 10));
  const other = d <= 27 ? d + rng.int(1, 2) : d - 1;
  return `${iso.slice(0, 8)}${String(other).padStart(2, '0')}`;
}

/** Applies one error; returns false when it does not apply to this person (then another is tried). */
function corrupt(rng: Rng, kind: string, dose: DoseRecordInput, p: Person, people: Person[]): boolean {
  const id = p.personalId;
  const iso = p.dateOfBirth;
  switch (kind) {
    case 'id_substitution': {
      const i = rng.int(4, 11);
      dose.idNumber = id.slice(0, i) + String((Number(id[i]) + rng.int(1, 9)) % 10) + id.slice(i + 1);
      return true;
    }
    case 'id_transposition': {
      const i = rng.int(6, 10);
      if (id[i] === id[i + 1]) return false;
      dose.idNumber = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
      return true;
    }
    case 'id_zeros_lost':
      dose.idNumber = id.replace(/^0+/, '');
      return true;
    case 'id_missing':
      dose.idNumber = '';
      return true;
    case 'id_old_cmnd':
      if (!p.oldIdNumber) return false;
      dose.idNumber = p.oldIdNumber;
      return true;
    case 'id_relative':
      if (p.relative === undefined) return false;
      dose.idNumber = people[p.relative]!.personalId;
      return true;
    case 'id_extra_digit': {
      const i = rng.int(6, 11);
      dose.idNumber = id.slice(0, i) + id[i] + id.slice(i);
      return true;
    }
    case 'dob_swap': {
      if (iso.length !== 10 || Number(iso.slice(8)) > 12 || iso.slice(5, 7) === iso.slice(8)) return false;
      dose.dateOfBirth = `${iso.slice(5, 7)}/${iso.slice(8)}/${iso.slice(0, 4)}`;
      return true;
    }
    case 'dob_year_only':
    case 'dob_placeholder':
      if (iso.length !== 10 || iso.endsWith('-01-01')) return false;
      dose.dateOfBirth = kind === 'dob_year_only' ? iso.slice(0, 4) : `01/01/${iso.slice(0, 4)}`;
      return true;
    case 'dob_day':
      if (iso.length !== 10) return false;
      dose.dateOfBirth = formatDate(rng, shiftDay(iso, rng));
      return true;
    case 'dob_year_digit': {
      if (iso.length !== 10) return false;
      const y = Number(iso.slice(0, 4));
      dose.dateOfBirth = formatDate(rng, `${y + (y % 10 === 9 ? -1 : 1)}${iso.slice(4)}`);
      return true;
    }
    case 'name_no_diacritics':
      if (fold(p.fullName) === p.fullName) return false;
      dose.fullName = fold(p.fullName);
      return true;
    case 'name_typo':
      dose.fullName = typo(rng, p.fullName);
      return true;
    case 'name_missing_middle': {
      const words = p.fullName.split(' ');
      if (words.length < 3) return false;
      words.splice(rng.int(1, words.length - 2), 1);
      dose.fullName = words.join(' ');
      return true;
    }
    case 'gender_wrong':
      dose.gender = p.gender === 'male' ? 'Nữ' : 'Nam';
      return true;
  }
  return false;
}

export interface Labeled {
  dose: DoseRecordInput;
  truth: GroundTruth;
}

/** Doses of a registry citizen (or of a person missing from the registry: `inRegistry` false). */
export function dosesFor(rng: Rng, p: Person, people: Person[], inRegistry: boolean, nextId: () => string): Labeled[] {
  const out: Labeled[] = [];
  const count = rng.int(1, 3);
  for (let n = 1; n <= count; n++) {
    const dose: DoseRecordInput = {
      recordId: nextId(),
      fullName: noisyName(rng, p.fullName),
      dateOfBirth: formatDate(rng, p.dateOfBirth),
      gender: noisyGender(rng, p.gender),
      idNumber: rng.chance(0.05) ? p.personalId.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3 ') : p.personalId,
      nationality: nationality(rng),
      communeCode: rng.chance(0.95) ? p.communeCode : '00000',
      doseNumber: n,
    };
    const errors: string[] = [];
    const corrections: Corrections = {};
    if (rng.chance(ERROR_RATE)) {
      const wanted = rng.chance(SECOND_ERROR_RATE) ? 2 : 1;
      let exclude: Field | undefined;
      for (let tries = 0; errors.length < wanted && tries < 20; tries++) {
        const [kind, field] = pickError(rng, exclude);
        if (!corrupt(rng, kind, dose, p, people)) continue;
        errors.push(kind);
        exclude = field;
        if (field === 'idNumber') corrections.idNumber = p.personalId;
        else if (field === 'gender') corrections.gender = p.gender;
        else corrections[field] = p[field];
      }
    }
    // A record corrected anyway also gets its missing sex filled in (the project's convention).
    if (errors.length > 0 && dose.gender === '') corrections.gender = p.gender;
    const truth: GroundTruth = inRegistry
      ? errors.length === 0
        ? { recordId: dose.recordId, personalId: p.personalId, expectedOutcome: 'verified', errors }
        : { recordId: dose.recordId, personalId: p.personalId, expectedOutcome: 'corrected', expectedCorrections: corrections, errors }
      : { recordId: dose.recordId, expectedOutcome: 'not_found', errors: ['not_in_registry'] };
    out.push({ dose, truth });
  }
  return out;
}

export function foreignDose(rng: Rng, recordId: string): Labeled {
  const passport = rng.chance(0.5) ? `C${rng.int(1_000_000, 9_999_999)}` : `${rng.pick(['M', 'E', 'P'])}${rng.int(10_000_000, 99_999_999)}`;
  return {
    dose: {
      recordId,
      fullName: rng.pick(FOREIGN_NAMES),
      dateOfBirth: `${String(rng.int(1, 28)).padStart(2, '0')}/${String(rng.int(1, 12)).padStart(2, '0')}/${rng.int(1950, 2005)}`,
      gender: rng.pick(['M', 'F', 'male', 'female']),
      idNumber: passport,
      nationality: rng.chance(0.85) ? rng.pick(FOREIGN_NATIONALITIES) : '',
      communeCode: '00000',
    },
    truth: { recordId, expectedOutcome: 'exempt', errors: ['foreign_passport'] },
  };
}
