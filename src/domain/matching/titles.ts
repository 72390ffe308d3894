/**
 * Titles and kinship words clerks put before a name: `Cụ Nguyễn Văn An`, `bà Lê Thị Mai`,
 * `BE TRAN MINH KHOA`. One is stripped only when what follows still reads as a full name
 * (a family name then at least one more word, or three words), so `Anh Tuấn` and the
 * given name of `Trần Thị Bé` stay; the engine keeps the name as entered as an alternative
 * anyway, for the rare family names that are also titles (`Ông Văn Tùng`).
 */
import { nameForms, type NameForms } from './names.js';

/** Accented forms (as `normalizeName` writes them); a bare ASCII word matches their folded forms. */
const TITLES = [
  'cụ', 'cố', 'ông', 'bà', 'bác', 'chú', 'thím', 'cô', 'dì', 'cậu', 'mợ', 'dượng', 'o',
  'anh', 'chị', 'em', 'bé', 'cháu', 'con', 'út', 'thầy', 'sư', 'ni', 'mẹ', 'bố', 'cha', 'má', 'ba', 'u', 'bầm',
  'cu', 'hđ', 'mr', 'mrs', 'ms', 'miss', 'bs', 'ts', 'gs', 'ths',
];
const TITLE_WORDS = new Set(TITLES);
const TITLE_FOLDED = new Set(TITLES.map((t) => nameForms(t).folded));

/** Family names (folded) common enough to recognise the start of a full name. */
const FAMILY = new Set(
  (
    'nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh truong luong mai cao ta lam ha chu dao to ' +
    'trinh quach kieu thai doan vuong la lai luu tang khuc kha ninh nghiem ong tong thach mac bach giang tieu ung au an ' +
    'banh diep han hua khuu lac lieu ma mach nong phi phung quan son tan tham than thieu trieu vi vien yen ca cam cu chau ' +
    'danh giap hau hinh kim lo luc nham nhan phu quang sam si tiet ton tu uong xa y ksor nie siu rah rmah'
  ).split(' '),
);

function isTitle(normalized: string, folded: string): boolean {
  // `Cù` (a family name) is not `Cụ`: with diacritics, the accented word decides.
  return normalized === folded ? TITLE_FOLDED.has(folded) : TITLE_WORDS.has(normalized);
}

export function plausibleFullName(words: readonly string[]): boolean {
  return words.length >= 3 || (words.length === 2 && FAMILY.has(words[0]!));
}

/**
 * The name without the one or two titles in front of it (`Cụ bà Lê Thị Mai`), or null when
 * there is none or what is left would not be a full name.
 */
export function stripTitles(forms: NameForms): NameForms | null {
  // Most names: the first word is no title (one set lookup, nothing split).
  if (forms.words.length < 3 || !TITLE_FOLDED.has(forms.words[0]!)) return null;
  const normalized = forms.normalized.split(' ');
  const folded = forms.words;
  let skip = 0;
  while (skip < 2 && skip < folded.length && isTitle(normalized[skip]!, folded[skip]!)) skip++;
  // Keep as many titles as needed for the rest to stay a full name (`Bé Anh Thư`: none).
  while (skip > 0 && !plausibleFullName(folded.slice(skip))) skip--;
  if (skip === 0) return null;
  return nameForms(normalized.slice(skip).join(' '));
}
