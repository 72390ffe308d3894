/**
 * The shared vocabulary of vaxverify: what the population registry holds, what a
 * vaccination site entered, and what the matcher decides. File formats (CSV/NDJSON),
 * MongoDB documents, job payloads and the engine all speak these shapes.
 */

export type Gender = 'male' | 'female';

/** One person in the population registry mirror (CSV/NDJSON field names). */
export interface Citizen {
  /** 12-digit citizen ID (CCCD / personal identification number). */
  personalId: string;
  fullName: string;
  /** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: the registry's own precision. */
  dateOfBirth: string;
  gender: Gender;
  /** 5-digit commune (ward) code of residence, GSO code list of April 2022. */
  communeCode: string;
  /** 9-digit old ID card (CMND), when the person had one. */
  oldIdNumber?: string;
}

/** One dose record exactly as entered at the vaccination site; every field may be wrong. */
export interface DoseRecordInput {
  recordId: string;
  fullName: string;
  dateOfBirth: string;
  /** `Nam`/`Nữ`/`male`/`female`/`M`/`F`/empty… */
  gender: string;
  /** Citizen ID, old ID card number or passport number, as typed. */
  idNumber: string;
  /** `VN`, `Việt Nam`, `VNM`, another code, or empty. */
  nationality: string;
  communeCode: string;
  vaccine?: string;
  doseNumber?: number;
  /** ISO date of the dose. */
  vaccinatedAt?: string;
  facilityId?: string;
}

export const OUTCOMES = ['verified', 'corrected', 'review', 'not_found', 'exempt', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Fields the matcher may ask to change, with the registry's value. */
export interface Corrections {
  idNumber?: string;
  fullName?: string;
  dateOfBirth?: string;
  gender?: Gender;
}

export interface Candidate {
  personalId: string;
  score: number;
}

/** How one field of the record compares with a citizen's: its state, its level (`folded`, `near`, `coarser`…) and the weight it added. */
export interface FieldEvidence {
  s: 'agree' | 'differ' | 'missing';
  l: string;
  w: number;
}

/**
 * Why the matcher decided as it did, compact enough to store with every result (issue 31): the
 * fields of the chosen (or best) citizen, the rule that linked or held the record back, how many
 * citizens share its name and birth date, and the runner-up (masked ID) with why it lost.
 * Rendered for people by `evidenceText` (src/domain/i18n).
 */
export interface MatchEvidence {
  /** Decision rule (`id`, `name_dob`, `relative_id`, `doses`…, or why not: `namesakes`, `weak`…). */
  rule: string;
  /** Total weight of the best candidate. */
  w?: number;
  id?: FieldEvidence;
  name?: FieldEvidence;
  dob?: FieldEvidence;
  sex?: FieldEvidence;
  commune?: FieldEvidence;
  /** Other citizens with the record's name (letters) and full birth date: in its commune, anywhere else. */
  same?: [number, number];
  /** The runner-up: masked ID, weight, and why it lost (`id`, `name`, `dob`, `commune`, `sex`, `weight`, `tie`). */
  ru?: { id: string; w: number; lost: string };
}

/** The matcher's decision for one record (also the CLI's output line). */
export interface MatchResult {
  recordId: string;
  outcome: Outcome;
  personalId?: string;
  /** 0–1 confidence of the chosen (or best) candidate. */
  score: number;
  corrections?: Corrections;
  /** Up to 3 ranked candidates, for `review`. */
  candidates?: Candidate[];
  reason?: string;
  /** The facts the decision rests on (absent on results stored before issue 31). */
  evidence?: MatchEvidence;
}

/** Generator ground truth for one dose record: who it really is and what must change. */
export interface GroundTruth {
  recordId: string;
  /** The true citizen, or absent for foreigners. */
  personalId?: string;
  /** What the matcher should conclude. */
  expectedOutcome: Outcome;
  /** Registry values for the fields the generator corrupted. */
  expectedCorrections?: Corrections;
  /** Names of the error kinds injected (for evaluation tables). */
  errors: string[];
}
