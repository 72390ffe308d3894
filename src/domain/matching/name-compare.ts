/**
 * How well an entered name agrees with a registry name, as a level the scorer weighs.
 * The levels are ordered from strongest to weakest agreement.
 */
import type { NameForms } from './names.js';
import { isSyllable } from './keyboard.js';
import { soundAlike } from './phonetic.js';

export type NameLevel =
  /** Same letters and tones (case, spacing, Unicode form, tone placement aside). */
  | 'exact'
  /** Same letters, diacritics missing or different (`Nguyen Van An`, `Nguyễn Văn Ân`). */
  | 'folded'
  /** Same words in another order (`An Nguyễn Văn`). */
  | 'reordered'
  /** Same family and given name, a middle name missing or extra. */
  | 'partial'
  /**
   * Same family and given name, the middle names differ (`Nguyễn Văn An` / `Nguyễn Hữu An`) or
   * two are missing: a weaker agreement, not a disagreement.
   */
  | 'middle'
  /** One or two keystrokes apart on the folded form, outside the given name. */
  | 'typo'
  /**
   * Family and middle names agree, the given name is spelled by ear (`Trang`/`Chang`,
   * `Giang`/`Dang`, `Vy`/`Vi`) or one keystroke off (`Hugn`, `Hunf`, `Hng`). Weak: one
   * letter also tells Trung from Trang, so linked only with more evidence than the name.
   */
  | 'misspelled'
  /**
   * Family and middle names agree, the given names are two real syllables one keystroke apart
   * (`Trung`/`Trang`, `Nga`/`Na`): a typo or another person. Linked only on the ID number.
   */
  | 'given_typo'
  /** Another name: never corrected to the registry's. */
  | 'different';

/** Optimal string alignment distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

function sameWordSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((w, i) => w === sortedB[i]);
}

/** True when `short` is `long` with exactly one middle word left out. */
function missingOneMiddleWord(short: readonly string[], long: readonly string[]): boolean {
  if (long.length !== short.length + 1 || short.length < 2) return false;
  if (short[0] !== long[0] || short[short.length - 1] !== long[long.length - 1]) return false;
  for (let skip = 1; skip < long.length - 1; skip++) {
    const rest = long.filter((_, i) => i !== skip);
    if (rest.every((w, i) => w === short[i])) return true;
  }
  return false;
}

/**
 * One or two keystrokes in the family or middle names. The given name (last word) must be
 * equal once folded: one letter is what tells Trung from Trang or Hoan from Hoang, so a
 * different given name is another person, however close.
 */
function isTypo(entered: NameForms, registry: NameForms): boolean {
  const a = entered.words;
  const b = registry.words;
  if (a.length === 0 || b.length === 0 || a[a.length - 1] !== b[b.length - 1]) return false;
  // Two edits only on long names (>= 15 letters, about four words).
  const max = Math.max(entered.folded.length, registry.folded.length) >= 15 ? 2 : 1;
  return editDistance(entered.folded, registry.folded, max) <= max;
}

/**
 * Same number of words, all but the last equal, the last ones sound alike, or the entered one
 * is one keystroke from the registry's and no syllable at all (`Lnh`, `Hugn`): a slip of the
 * fingers. Two real syllables one letter apart (`Trung`/`Trang`) are two names.
 */
function givenNameSlip(a: readonly string[], b: readonly string[]): 'misspelled' | 'given_typo' | null {
  if (a.length !== b.length || a.length < 2) return null;
  for (let i = 0; i < a.length - 1; i++) if (a[i] !== b[i]) return null;
  const x = a[a.length - 1]!;
  const y = b[b.length - 1]!;
  if (soundAlike(x, y)) return 'misspelled';
  if (editDistance(x, y, 1) > 1) return null;
  return isSyllable(x) ? 'given_typo' : 'misspelled';
}

/** Family and given names agree, the middle names do not (differ, or more than one missing). */
function sameEnds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length < 2 || b.length < 2 || (a.length === 2 && b.length === 2)) return false;
  return a[0] === b[0] && a[a.length - 1] === b[b.length - 1];
}

export function compareNames(entered: NameForms, registry: NameForms): NameLevel {
  if (entered.folded === registry.folded) {
    return entered.normalized === registry.normalized ? 'exact' : 'folded';
  }
  const a = entered.words;
  const b = registry.words;
  if (sameWordSet(a, b)) return 'reordered';
  if (missingOneMiddleWord(a, b) || missingOneMiddleWord(b, a)) return 'partial';
  if (isTypo(entered, registry)) return 'typo';
  if (sameEnds(a, b)) return 'middle';
  return givenNameSlip(a, b) ?? 'different';
}
