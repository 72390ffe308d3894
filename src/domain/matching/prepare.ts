/**
 * A dose record read once: every field parsed and normalized, and the records that need
 * no registry lookup (`exempt`, `invalid`) decided right away.
 */
import type { DoseRecordInput, Gender, MatchResult } from '../records.js';
import { parseBirthDate, type BirthDate } from './dates.js';
import { isVietnamese, parseGender } from './fields.js';
import { decodeCitizenId, normalizeId, type DecodedCitizenId, type NormalizedId } from './ids.js';
import { nameForms, type NameForms } from './names.js';
import { stripAnnotation } from './annotations.js';
import { stripTitles } from './titles.js';
import { NO_CANDIDATE } from './no-candidate.js';

export interface PreparedRecord {
  record: DoseRecordInput;
  /**
   * The name, without the title or kinship word typed before it (`Cụ`, `Bà`, `Bé`...) and the
   * annotation after it (`(con)`, `- HS`, `(đã tiêm ở BV)`).
   */
  name: NameForms;
  /** The name as entered when a title or annotation was stripped (it may be part of the name after all). */
  nameAsEntered: NameForms | null;
  dob: BirthDate | null;
  /** The birth-date text was there but could not be read. */
  dobUnreadable: boolean;
  id: NormalizedId;
  /** What a 12-digit entered ID says (province, sex, birth year). */
  decoded: DecodedCitizenId | null;
  gender: Gender | undefined;
  /** `true` VN, `false` another country, `undefined` not entered. */
  vietnamese: boolean | undefined;
  /** Folded names to block on: the name, and the name as entered when a title was stripped. */
  blockNames: string[];
  /** Birth years to search the name block with (entered, and the one the ID encodes). */
  blockYears: number[];
}

export type Prepared = { kind: 'match'; record: PreparedRecord } | { kind: 'done'; result: MatchResult };

function done(record: DoseRecordInput, outcome: 'exempt' | 'invalid', reason: string): Prepared {
  const evidence = NO_CANDIDATE[outcome === 'exempt' ? 'foreign_passport' : 'invalid']!;
  return { kind: 'done', result: { recordId: record.recordId, outcome, score: 0, reason, evidence } };
}

function blockYears(dob: BirthDate | null, decoded: DecodedCitizenId | null): number[] {
  const years: number[] = [];
  if (dob) years.push(dob.year);
  if (decoded && decoded.provinceKnown && decoded.birthYear !== dob?.year) years.push(decoded.birthYear);
  return years;
}

export function prepareRecord(record: DoseRecordInput): Prepared {
  const id = normalizeId(record.idNumber);
  const vietnamese = isVietnamese(record.nationality);
  // A foreign national identified by a passport is not ours to check. Other numbers are
  // looked up first: the nationality may be what was entered wrong.
  if (vietnamese === false && (id.kind === 'passport' || id.kind === 'invalid')) {
    return done(record, 'exempt', 'foreign national with passport number');
  }
  const entered = nameForms(record.fullName);
  const annotated = stripAnnotation(record.fullName);
  const stripped = stripTitles(annotated ?? entered) ?? annotated;
  const name = stripped ?? entered;
  if (name.folded === '') return done(record, 'invalid', 'no name');
  const rawDob = typeof record.dateOfBirth === 'string' ? record.dateOfBirth.trim() : '';
  const dob = parseBirthDate(rawDob);
  const usableId = id.kind === 'citizen' || id.kind === 'old' || id.digits.length === 13;
  if (!dob && !usableId && id.kind !== 'passport') {
    return done(record, 'invalid', rawDob === '' ? 'no birth date and no ID number' : 'unreadable birth date and no ID number');
  }
  const decoded = id.kind === 'citizen' ? decodeCitizenId(id.value) : null;
  return {
    kind: 'match',
    record: {
      record,
      name,
      nameAsEntered: stripped ? entered : null,
      blockNames: stripped ? [name.folded, entered.folded] : [name.folded],
      dob,
      dobUnreadable: rawDob !== '' && !dob,
      id,
      decoded,
      gender: parseGender(record.gender),
      vietnamese,
      blockYears: blockYears(dob, decoded),
    },
  };
}
