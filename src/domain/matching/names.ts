/**
 * Vietnamese personal names: a canonical accented form and a folded form without
 * diacritics, both lower case with single spaces, family–middle–given order kept.
 *
 * Work is done per word and cached: a country's names are made of a few thousand
 * distinct syllables, so after warm-up a name costs a split and a few map lookups.
 */
import { decodeKeyboardResidue } from './keyboard.js';
import { canonicalSyllable } from './tone.js';

/** Look-alikes of đ/Đ typed from other keyboards: Icelandic eth, African d. */
const D_LOOKALIKES = new Map([
  ['\u00d0', '\u0111'], // Ð
  ['\u00f0', '\u0111'], // ð
  ['\u0189', '\u0111'], // Ɖ
  ['\u0256', '\u0111'], // ɖ
  ['\u0110', '\u0111'], // Đ (lower-cased below anyway; listed for clarity)
]);

interface WordForms {
  normalized: string;
  folded: string;
  /** Telex/VNI keystrokes decoded (`Vawn` → `văn`). */
  repaired: boolean;
}

/**
 * Bounded caches, cleared when full, which keeps memory flat on endless streams: a few
 * thousand syllables cover the country; 100,000 whole names catch most repeats.
 */
const MAX_CACHE = 100_000;
const wordCache = new Map<string, WordForms>();
const nameCache = new Map<string, NameForms>();

/** Spaces, and the hyphens, dots, commas, underscores and slashes that stand for them (`Nguyễn-Văn.An`). */
function isSeparator(code: number): boolean {
  return code <= 32 || code === 45 || code === 46 || code === 44 || code === 95 || code === 47 || code === 0xa0 || code === 0x3000;
}

function isLetterOrMark(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  return /[\p{L}\p{M}]/u.test(ch);
}

function foldWord(normalized: string): string {
  let ascii = true;
  for (let i = 0; i < normalized.length; i++) {
    if (normalized.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return normalized;
  return normalized
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\u0111/g, 'd');
}

function wordForms(word: string): WordForms {
  const cached = wordCache.get(word);
  if (cached) return cached;
  const lower = word.toLowerCase();
  const decoded = decodeKeyboardResidue(lower);
  let cleaned = '';
  for (const ch of decoded ?? lower) {
    const mapped = D_LOOKALIKES.get(ch) ?? ch;
    if (isLetterOrMark(mapped)) cleaned += mapped;
  }
  const normalized = canonicalSyllable(cleaned);
  const forms = { normalized, folded: foldWord(normalized), repaired: decoded !== null };
  if (wordCache.size >= MAX_CACHE) wordCache.clear();
  wordCache.set(word, forms);
  return forms;
}

export interface NameForms {
  /** Canonical accented form: `nguyễn văn hòa` for `NGUYỄN  Văn Hoà`. */
  normalized: string;
  /** Without diacritics, đ → d: `nguyen van hoa`. The registry's `nameKey`. */
  folded: string;
  /** Folded words, family name first. */
  words: readonly string[];
  /** Some word was Telex/VNI residue, decoded: the name as entered needs correcting. */
  repaired: boolean;
}

const EMPTY: NameForms = { normalized: '', folded: '', words: [], repaired: false };

/** Both forms of a name; punctuation, digits and extra spaces are dropped. */
export function nameForms(name: string | null | undefined): NameForms {
  if (!name) return EMPTY;
  const cached = nameCache.get(name);
  if (cached) return cached;
  const result = computeNameForms(name);
  if (nameCache.size >= MAX_CACHE) nameCache.clear();
  nameCache.set(name, result);
  return result;
}

/**
 * `nameForms` without remembering the answer: for loading a registry, whose million names
 * would push the entered names (which repeat, a person has several doses) out of the cache.
 */
export function nameFormsOnce(name: string | null | undefined): NameForms {
  if (!name) return EMPTY;
  return nameCache.get(name) ?? computeNameForms(name);
}

function computeNameForms(name: string): NameForms {
  const normalizedWords: string[] = [];
  const foldedWords: string[] = [];
  let repaired = false;
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && !isSeparator(name.charCodeAt(i))) continue;
    if (i > start) {
      const forms = wordForms(name.slice(start, i));
      if (forms.normalized !== '') {
        normalizedWords.push(forms.normalized);
        foldedWords.push(forms.folded);
        repaired ||= forms.repaired;
      }
    }
    start = i + 1;
  }
  const result: NameForms = {
    normalized: normalizedWords.join(' '),
    folded: foldedWords.join(' '),
    words: foldedWords,
    repaired,
  };
  return result;
}

/** Canonical accented, lower-case form: case, spacing, Unicode form and tone placement removed. */
export function normalizeName(name: string | null | undefined): string {
  return nameForms(name).normalized;
}

/** Folded form without diacritics (`Đặng Thị Thuý` → `dang thi thuy`): the blocking key. */
export function foldName(name: string | null | undefined): string {
  return nameForms(name).folded;
}
