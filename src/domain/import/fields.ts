import { z } from 'zod';

/** Trimmed text; empty cells are `''`. Lengths cap what a spreadsheet cell can smuggle in. */
export const text = (max: number) =>
  z.preprocess((v) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : v), z.string().trim().max(max, `longer than ${max} characters`));

/** An optional cell: empty → undefined. */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema.optional());

export const communeCode = z.preprocess(
  (v) => (typeof v === 'number' ? String(v).padStart(5, '0') : v),
  z.string().trim().regex(/^\d{5}$/, 'must be a 5-digit commune code'),
);

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` that exists on the calendar. */
export function isRegistryDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1890 || year > 2100) return false;
  if (m[2] === undefined) return true;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  const day = Number(m[3]);
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
