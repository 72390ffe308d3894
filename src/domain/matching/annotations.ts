/**
 * Notes health stations type after a name to say who the person is (issue 19):
 * `Bùi Thị Hồng Thúy (con)`, `Lâm Thị Thúy Hiền (mẹ)`, `Lê Kim Thủy - HS` (học sinh),
 * `… - GV`, `… (đã tiêm ở BV)`. A tail in brackets (any short text), or after a dash or
 * comma (kinship words and school/occupation abbreviations only), is cut off when what is
 * left still reads as a full name, the same guard as for titles in front. The engine scores
 * the name as typed too, so a real name that ends in such a word (`Mai-Anh`) is not damaged.
 */
import { nameForms, type NameForms } from './names.js';
import { plausibleFullName } from './titles.js';

/** Folded words that may follow a dash or comma: kinship, school, work, status. */
const TAIL_WORDS = new Set(
  (
    'con cháu chau me mẹ bo bố cha ba bà ông ong vo vợ chong chồng anh chi chị em co cô chu chú bac bác di dì cau cậu ' +
    'noi nội ngoai ngoại trai gai gái dau dâu re rể ' +
    'hs sv gv cb cc cbcc cn bs ys dd ca bd nv tn hưu huu tri trí nghi nội trợ tro tu do hoc sinh vien giao ' +
    'ktx kt tam tru'
  )
    .split(' ')
    .map((w) => nameForms(w).folded),
);

/** Longest tail cut: a note of a few words, never half a name. */
const MAX_TAIL_WORDS = 6;

const OPEN = '([{';
const DASHES = '-\u2013\u2014,';

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\u00a0';
}

/** Where a bracketed tail starts (`(con)`, `[GV]`, an unclosed `(đã tiêm`), or -1. */
function bracketStart(s: string): number {
  for (let i = s.length - 1; i > 0; i--) if (OPEN.includes(s[i]!)) return i;
  return -1;
}

/** Where a dash/comma tail of annotation words starts (`- HS`, `, GV`, `– con`), or -1. */
function dashStart(s: string): number {
  for (let i = s.length - 1; i > 0; i--) {
    if (!DASHES.includes(s[i]!)) continue;
    // `Mai-Anh`: a hyphen between two words is part of the name; a dash set off by a space is not.
    const spaced = isSpace(s[i - 1]) || isSpace(s[i + 1]) || s[i] === ',';
    const tail = nameForms(s.slice(i + 1));
    const abbreviation = /^\s*[A-ZĐ]{2,4}\s*$/u.test(s.slice(i + 1));
    if (tail.words.length === 0 || tail.words.length > MAX_TAIL_WORDS) return -1;
    if (!(spaced || abbreviation) || !tail.words.every((w) => TAIL_WORDS.has(w))) return -1;
    return i;
  }
  return -1;
}

function hasTailMark(s: string): boolean {
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123 || c === 45 || c === 44 || c === 0x2013 || c === 0x2014) return true;
  }
  return false;
}

/**
 * The name without a trailing annotation, or null when there is none or what is left
 * would not be a full name (`Nguyễn Văn A (cháu)` keeps `Nguyễn Văn A`).
 */
export function stripAnnotation(raw: string): NameForms | null {
  // Most names: no bracket, dash or comma at all (a code loop: cheaper than a regex per record).
  if (typeof raw !== 'string' || !hasTailMark(raw)) return null;
  let s = raw.trimEnd();
  let rest: NameForms | null = null;
  // Two tails at most: `Lê Kim Thủy - HS (con)`.
  for (let round = 0; round < 2; round++) {
    let cut = bracketStart(s);
    if (cut !== -1 && nameForms(s.slice(cut)).words.length > MAX_TAIL_WORDS) cut = -1;
    if (cut === -1) cut = dashStart(s);
    if (cut === -1) break;
    const shorter = nameForms(s.slice(0, cut));
    if (!plausibleFullName(shorter.words)) break;
    rest = shorter;
    s = s.slice(0, cut).trimEnd();
  }
  return rest;
}
