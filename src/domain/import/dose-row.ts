import { z } from 'zod';
import { communeCode, optional, text } from './fields.js';
import { firstIssue, type RowResult } from './row-error.js';

export const DOSE_REQUIRED_COLUMNS = ['recordId', 'communeCode'] as const;

/**
 * A dose record as the site entered it: identity fields are kept exactly as typed (the matcher
 * judges them), only their size is bounded. Structural fields must be well-formed.
 */
export const doseRowSchema = z.object({
  recordId: text(64).pipe(z.string().min(1, 'required').regex(/^[A-Za-z0-9_.:\-/]+$/, 'letters, digits and _ . : - / only')),
  fullName: text(200),
  dateOfBirth: text(40),
  gender: text(20),
  idNumber: text(40),
  nationality: text(60),
  communeCode,
  vaccine: optional(text(80)),
  doseNumber: optional(z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(10, 'must be 10 or less')),
  vaccinatedAt: optional(z.string().trim().regex(/^\d{4}-\d{2}-\d{2}/, 'must be an ISO date (YYYY-MM-DD)')),
  facilityId: optional(text(64)),
});

export type DoseRow = z.infer<typeof doseRowSchema>;

export function parseDoseRow(rec: Record<string, unknown>): RowResult<DoseRow> {
  const r = doseRowSchema.safeParse(rec);
  if (!r.success) return { ok: false, issue: firstIssue(r.error) };
  const v = r.data;
  return { ok: true, value: { ...v, fullName: v.fullName.normalize('NFC') } };
}
