/**
 * Field-by-field comparison of a prepared record with one registry citizen, combined
 * Fellegi–Sunter style: each field adds a weight (roughly log-odds that the agreement
 * seen comes from the same person), and the sum is compared to two thresholds.
 */
import { compareDates, type DateLevel } from './date-compare.js';
import { parseRegistryDate } from './dates.js';
import { oneKeystrokeApart } from './ids.js';
import { compareNames, editDistance, type NameLevel } from './name-compare.js';

/** Two substitutions, or a transposition and a substitution, between equal-length numbers (cheap test first). */
function twoKeystrokesApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diffs = 0;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i) && ++diffs > 3) return false;
  return diffs === 2 || (diffs === 3 && editDistance(a, b, 2) <= 2);
}
import { nameFormsOnce, type NameForms } from './names.js';
import type { PreparedRecord } from './prepare.js';
import type { RegistryCitizen } from './registry.port.js';

export type IdLevel =
  /** The entered 12-digit ID is the citizen's. */
  | 'exact'
  /** The entered number is the citizen's old ID card. */
  | 'old'
  /** One substitution, adjacent transposition or extra digit away from either. */
  | 'near'
  /**
   * Two keystrokes away from the citizen's ID. Evidence only where the name and birth date
   * are strong too (`decide.ts`): among a million IDs, many are two digits from any number.
   */
  | 'near2'
  /** Another number, but its encoded province, sex and birth year are this citizen's. */
  | 'consistent'
  /** Another number that says nothing for this citizen. */
  | 'conflict'
  | 'missing';

export type AgreeLevel = 'agree' | 'disagree' | 'missing';

export interface CandidateScore {
  citizen: RegistryCitizen;
  weight: number;
  /** 0–1, a monotone map of `weight`. */
  score: number;
  id: IdLevel;
  name: NameLevel;
  /** The name as entered must be corrected even at `exact`: a title stripped, Telex/VNI keys decoded. */
  nameFixed: boolean;
  dob: DateLevel;
  gender: AgreeLevel;
  commune: boolean;
}

/**
 * Weights. An ID number is the strongest evidence, but about one dose in ten was entered
 * with a wrong one, so a wrong ID costs little. A clearly different name or birth year
 * costs a lot: that is how a relative's ID shows.
 */
export const ID_WEIGHT: Record<IdLevel, number> = { exact: 12, old: 10, near: 6, near2: 3, consistent: 1, conflict: -3, missing: 0 };
export const NAME_WEIGHT: Record<NameLevel, number> = {
  exact: 8,
  folded: 7,
  reordered: 5,
  partial: 3,
  middle: 2,
  typo: 3,
  misspelled: 2,
  given_typo: 1,
  different: -8,
};
export const DATE_WEIGHT: Record<DateLevel, number> = {
  exact: 7,
  within: 3,
  coarser: 3,
  swapped: 4,
  close: 1,
  different: -6,
  missing: 0,
};
export const GENDER_WEIGHT: Record<AgreeLevel, number> = { agree: 1, disagree: -3, missing: 0 };
/** The commune entered is usually the residence; people move, so only agreement counts. */
export const COMMUNE_WEIGHT = 2;

/**
 * Auto-match at 15: for instance right name and birth date (15) with sex and commune
 * agreeing and a wrong ID (−3) still reaches it; a right ID and right name (20) do too.
 * Potential match (review) from 6. The best must lead the next by 6 to be chosen alone.
 */
export const AUTO_MATCH_WEIGHT = 15;
export const POTENTIAL_MATCH_WEIGHT = 6;
export const MIN_MARGIN = 6;

/** Logistic map of the weight to 0–1, centred between the two thresholds. */
export function weightToScore(weight: number): number {
  const centre = (AUTO_MATCH_WEIGHT + POTENTIAL_MATCH_WEIGHT) / 2;
  return Math.round(1000 / (1 + Math.exp(-(weight - centre) / 2.5))) / 1000;
}

function idLevel(p: PreparedRecord, c: RegistryCitizen): IdLevel {
  const { id, decoded } = p;
  if (id.kind === 'citizen' && id.value === c.personalId) return 'exact';
  if (id.value !== '' && id.value === c.oldIdNumber) return 'old';
  const digits = id.digits;
  if (digits === '') return 'missing';
  if (oneKeystrokeApart(digits, c.personalId)) return 'near';
  if (c.oldIdNumber && oneKeystrokeApart(digits, c.oldIdNumber)) return 'near';
  if (id.kind !== 'citizen' && id.kind !== 'old') return 'missing';
  if (twoKeystrokesApart(digits, c.personalId)) return 'near2';
  // Sex and year alone say nothing (they are compared anyway); the province of birth
  // registration is the part that can only come from this person's own number.
  if (
    decoded &&
    decoded.provinceCode === c.personalId.slice(0, 3) &&
    decoded.gender === c.gender &&
    decoded.birthYear === c.birthYear
  ) {
    return 'consistent';
  }
  return 'conflict';
}

/** Strongest first: the better of two readings of an entered name wins. */
export const NAME_RANK: Record<NameLevel, number> = {
  exact: 7, folded: 6, reordered: 5, partial: 4, middle: 3, typo: 3, misspelled: 2, given_typo: 1, different: 0,
};

/** An ID number that singles this citizen out: theirs, their old card, or one keystroke away. */
export function hasIdEvidence(s: Pick<CandidateScore, 'id'>): boolean {
  return s.id === 'exact' || s.id === 'old' || s.id === 'near';
}

/** The name reads the same: letters equal, marks aside (string compares: the decision's hot path). */
export function isStrictName(l: NameLevel): boolean {
  return l === 'exact' || l === 'folded';
}

/** Birth dates that do not tell two citizens apart. */
export function isCompatibleDate(l: DateLevel): boolean {
  return l === 'exact' || l === 'within' || l === 'coarser';
}

/** Birth-date agreement, strongest first. */
export const DATE_RANK: Record<DateLevel, number> = { exact: 6, within: 5, swapped: 4, coarser: 3, close: 2, missing: 1, different: 0 };

/** Name agreement, without normalizing the registry name when the folded forms settle it. */
function levelOf(entered: NameForms, asTyped: boolean, p: PreparedRecord, c: RegistryCitizen): NameLevel {
  if (c.nameKey !== entered.folded) return compareNames(entered, nameFormsOnce(c.fullName));
  if (asTyped && c.fullName === p.record.fullName) return 'exact';
  const normalized = c.normalizedName ?? nameFormsOnce(c.fullName).normalized;
  return normalized === entered.normalized ? 'exact' : 'folded';
}

export function scoreCandidate(p: PreparedRecord, c: RegistryCitizen): CandidateScore {
  const id = idLevel(p, c);
  // The name without its title, or as entered when that fits better (a family name `Ông`).
  let name = levelOf(p.name, p.nameAsEntered === null, p, c);
  let nameFixed = p.name.repaired;
  if (p.nameAsEntered) {
    const asEntered = levelOf(p.nameAsEntered, true, p, c);
    nameFixed = true;
    if (NAME_RANK[asEntered] > NAME_RANK[name]) {
      name = asEntered;
      nameFixed = p.nameAsEntered.repaired;
    }
  }
  const dob = compareDates(p.dob, c.birthDate !== undefined ? c.birthDate : parseRegistryDate(c.dateOfBirth));
  const gender: AgreeLevel = p.gender === undefined ? 'missing' : p.gender === c.gender ? 'agree' : 'disagree';
  const commune = p.record.communeCode !== '' && p.record.communeCode === c.communeCode;
  const weight =
    ID_WEIGHT[id] + NAME_WEIGHT[name] + DATE_WEIGHT[dob] + GENDER_WEIGHT[gender] + (commune ? COMMUNE_WEIGHT : 0);
  return { citizen: c, weight, score: weightToScore(weight), id, name, nameFixed, dob, gender, commune };
}
