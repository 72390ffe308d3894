import type { Outcome } from '../records.js';

/** What an officer decides about one record of the worklist. */
export const DECISIONS = ['confirm', 'reject', 'explain'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Who may submit corrections, and who signs them off (the commune police checks against the population database). */
export const OFFICER_ROLES = ['health_station', 'village_team', 'commune_police', 'coordinator'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];
export const SIGN_OFF_ROLE: OfficerRole = 'commune_police';

/** Where a stored correction stands (see correction.model.ts for what each means). */
export const CORRECTION_STATUSES = ['pending', 'awaiting_signoff', 'applied', 'explained', 'rejected', 'refused', 'superseded'] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];

/** Fields of a dose record a correction may change. */
export const CORRECTABLE_FIELDS = ['idNumber', 'fullName', 'dateOfBirth', 'gender'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export type FieldValues = Partial<Record<CorrectableField, string>>;

/** One correction as submitted (API body or one worksheet row), before validation. */
export interface CorrectionInput {
  recordId: string;
  /** The record's `version` the officer saw (the worksheet's `baseVersion`). */
  baseVersion: number;
  decision: Decision;
  /** The officer's own corrected values; for `confirm`, blanks take the suggested values. */
  values?: FieldValues;
  explanation?: string;
  /** Who submits: from the signed-in identity (`sub`), never from the body or the worksheet. */
  officer: { name: string; role: OfficerRole; sub?: string };
  /** Legacy free-text sign-off; the API no longer accepts it (the police sign off as a separate step). */
  signOff?: { by: string; role?: OfficerRole; sub?: string };
}

/** A change validated and normalized, ready to store. */
export interface FieldChange {
  field: CorrectableField;
  oldValue: string;
  newValue: string;
}

/** A refused field: the HTTP layer and the upload report show these. */
export interface FieldProblem {
  field: string;
  /** English, for the API and logs. */
  reason: string;
  /** The catalogue key people read (src/domain/i18n) and its parameters. */
  code?: string;
  params?: Record<string, string | number>;
}

/** The record values validation checks a new value against (consistency of ID, sex, birth year). */
export interface RecordValues {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  nationality: string;
}


/** Outcomes that need an officer: suggestions to confirm, cases to decide, records to fix. */
export const ACTION_OUTCOMES = ['corrected', 'review', 'not_found', 'invalid'] as const satisfies readonly Outcome[];
