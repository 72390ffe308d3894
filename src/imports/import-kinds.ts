import type { UpsertTarget } from '../db/repositories/bulk-upsert.repository.js';
import {
  CITIZEN_REQUIRED_COLUMNS, DOSE_REQUIRED_COLUMNS, citizenRowSchema, doseRowSchema, parseCitizenRow, parseDoseRow, type RowResult,
} from '../domain/import/index.js';

export const IMPORT_KINDS = ['citizens', 'doses'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** What differs between importing the registry and importing dose records. */
export interface ImportKindSpec {
  /** Natural key: the unique index the upsert relies on. */
  key: 'personalId' | 'recordId';
  requiredColumns: readonly string[];
  /** Every field a stored document may have (the upsert removes those a row leaves empty). */
  fields: readonly string[];
  parse(rec: Record<string, unknown>): RowResult<Record<string, unknown>>;
  /** Where its rows go. */
  target: UpsertTarget;
}

export const importKinds: Record<ImportKind, ImportKindSpec> = {
  citizens: {
    key: 'personalId',
    requiredColumns: CITIZEN_REQUIRED_COLUMNS,
    fields: [...Object.keys(citizenRowSchema.shape), 'nameKey', 'birthYear', 'maskedKeys'],
    parse: parseCitizenRow,
    target: 'Citizen',
  },
  doses: {
    key: 'recordId',
    requiredColumns: DOSE_REQUIRED_COLUMNS,
    fields: Object.keys(doseRowSchema.shape),
    parse: parseDoseRow,
    target: 'DoseRecord',
  },
};
