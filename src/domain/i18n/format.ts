/**
 * Values as officers read them: dates dd/mm/yyyy (a month/year entry as mm/yyyy, a year alone
 * as yyyy), sex as Nam/Nữ. Entered values that are not dates stay as typed.
 */
import { parseGender } from '../matching/index.js';
import { text, type Lang } from './catalogue.js';

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+Z?)?$/;

/** `1975-03-10` → `10/03/1975`, `1975-03` → `03/1975`, `1975` → `1975`; other text unchanged. */
export function displayDate(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  const s = String(raw).trim();
  const m = ISO.exec(s);
  if (!m) return s;
  if (m[3]) return `${m[3]}/${m[2]}/${m[1]}`;
  if (m[2]) return `${m[2]}/${m[1]}`;
  return m[1]!;
}

/** `male`, `M`, `nam` → `Nam`; unreadable text unchanged. */
export function displayGender(raw: string | null | undefined, lang: Lang = 'vi'): string {
  if (!raw) return '';
  const g = parseGender(String(raw).trim());
  return g ? text(g, lang) : String(raw);
}

/** A date-time in Vietnam's time zone as dd/mm/yyyy hh:mm. */
export function displayDateTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
}
