import { z } from 'zod';
import { citizenKeys } from '../matching/index.js';
import { communeCode, isRegistryDate, optional, text } from './fields.js';
import { firstIssue, type RowResult } from './row-error.js';

export const CITIZEN_REQUIRED_COLUMNS = ['personalId', 'fullName', 'dateOfBirth', 'gender', 'communeCode'] as const;

const GENDERS: Record<string, 'male' | 'female'> = { male: 'male', female: 'female', nam: 'male', 'nữ': 'female', nu: 'female', m: 'male', f: 'female' };

/** A registry row: strict, since the registry is the reference every record is compared with. */
export const citizenRowSchema = z.object({
  personalId: z.preprocess((v) => (typeof v === 'number' ? String(v).padStart(12, '0') : v),
    z.string().trim().regex(/^\d{12}$/, 'must be a 12-digit citizen ID number')),
  fullName: text(120).pipe(z.string().min(1, 'required')),
  dateOfBirth: text(10).refine(isRegistryDate, 'must be YYYY, YYYY-MM or YYYY-MM-DD'),
  gender: text(10).transform((g, ctx) => {
    const v = GENDERS[g.normalize('NFC').toLowerCase()];
    if (!v) ctx.addIssue({ code: 'custom', message: 'must be male or female (or Nam/Nữ)' });
    return v ?? 'male';
  }),
  communeCode,
  oldIdNumber: optional(z.string().trim().regex(/^\d{9}$/, 'must be a 9-digit old ID card number')),
});

export type CitizenRow = z.infer<typeof citizenRowSchema> & { nameKey: string; birthYear: number; maskedKeys: string[] };

/** Validate a registry row and compute the matcher's blocking keys (nameKey, birthYear, maskedKeys). */
export function parseCitizenRow(rec: Record<string, unknown>): RowResult<CitizenRow> {
  const r = citizenRowSchema.safeParse(rec);
  if (!r.success) return { ok: false, issue: firstIssue(r.error) };
  const value = { ...r.data, fullName: r.data.fullName.normalize('NFC') };
  const keys = citizenKeys(value);
  if (!keys.nameKey) return { ok: false, issue: { field: 'fullName', reason: 'has no letters' } };
  const birthYear = keys.birthYear ?? Number(value.dateOfBirth.slice(0, 4));
  return { ok: true, value: { ...value, nameKey: keys.nameKey, birthYear, maskedKeys: keys.maskedKeys } };
}
