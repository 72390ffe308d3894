/** Sex and nationality as entered at vaccination sites. */
import type { Gender } from '../records.js';
import { foldName } from './names.js';

const GENDERS = new Map<string, Gender>([
  ['nam', 'male'],
  ['nam gioi', 'male'],
  ['trai', 'male'],
  ['m', 'male'],
  ['male', 'male'],
  ['man', 'male'],
  ['nu', 'female'],
  ['nu gioi', 'female'],
  ['gai', 'female'],
  ['f', 'female'],
  ['female', 'female'],
  ['woman', 'female'],
]);

/**
 * Sexes as typed (`Nam`, `Nữ`, `M`, `F`...): a handful of spellings, looked up here instead of
 * folding each record's value through the large name cache (twice per record in five, issue 31's
 * bench profile). The bound only guards against free text.
 */
const genderCache = new Map<string, Gender | undefined>();

/** `Nam`/`Nữ`/`nu`/`male`/`female`/`M`/`F`; `undefined` when empty or unreadable (not a disagreement). */
export function parseGender(raw: string | null | undefined): Gender | undefined {
  if (!raw) return undefined;
  const cached = genderCache.get(raw);
  if (cached !== undefined || genderCache.has(raw)) return cached;
  const result = GENDERS.get(raw) ?? GENDERS.get(foldName(raw));
  if (genderCache.size < 10_000) genderCache.set(raw, result);
  return result;
}

/** Spellings of Viet Nam after folding and removing spaces. */
const VIETNAM = new Set(['vn', 'vnm', 'vietnam', 'vietnamese', 'viet', 'nuocchxhcnvietnam', 'chxhcnvietnam']);

/** Few distinct spellings exist; the cache bound only guards against free text. */
const nationalityCache = new Map<string, boolean | undefined>();

/**
 * `true` for Viet Nam in any usual spelling (`VN`, `VNM`, `Việt Nam`, `vietnam`),
 * `false` for another country, `undefined` when not entered.
 */
export function isVietnamese(nationality: string | null | undefined): boolean | undefined {
  if (!nationality) return undefined;
  const cached = nationalityCache.get(nationality);
  if (cached !== undefined || nationalityCache.has(nationality)) return cached;
  const key = foldName(nationality).replaceAll(' ', '');
  const result = key === '' ? undefined : VIETNAM.has(key);
  if (nationalityCache.size < 10_000) nationalityCache.set(nationality, result);
  return result;
}
