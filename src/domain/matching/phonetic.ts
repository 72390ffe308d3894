/**
 * Sound-alike spellings of a Vietnamese syllable (folded, no diacritics), for given names
 * typed by ear: `tr`/`ch`, `s`/`x`, `gi`/`d`/`r`, `i`/`y`, final `nh`/`ng`/`n`, doubled
 * letters. Two syllables with the same key are pronounced alike in some dialect.
 */

const INITIALS: [string, string][] = [
  ['gi', 'z'],
  ['tr', 'ch'],
  ['d', 'z'],
  ['r', 'z'],
  ['s', 'x'],
];

const FINALS: [string, string][] = [
  ['nh', 'n'],
  ['ng', 'n'],
  ['c', 't'],
];

const cache = new Map<string, string>();

export function phoneticKey(syllable: string): string {
  const cached = cache.get(syllable);
  if (cached !== undefined) return cached;
  let s = syllable.replaceAll('y', 'i');
  for (const [from, to] of INITIALS) {
    if (s.startsWith(from) && s.length > from.length) {
      s = to + s.slice(from.length);
      break;
    }
  }
  for (const [from, to] of FINALS) {
    if (s.endsWith(from) && s.length > from.length) {
      s = s.slice(0, s.length - from.length) + to;
      break;
    }
  }
  let key = '';
  for (const ch of s) if (key[key.length - 1] !== ch) key += ch;
  // Syllables are few; the bound only guards against free text.
  if (cache.size < 50_000) cache.set(syllable, key);
  return key;
}

/** One letter dropped from (or added to) a given name of four letters or more. */
function oneLetterMore(long: string, short: string): boolean {
  if (long.length !== short.length + 1 || short.length < 4) return false;
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  return long.slice(i + 1) === short.slice(i);
}

/** True when two folded given names sound alike or differ by one dropped letter. */
export function soundAlike(a: string, b: string): boolean {
  if (a === b) return true;
  const ka = phoneticKey(a);
  const kb = phoneticKey(b);
  return ka === kb || oneLetterMore(ka, kb) || oneLetterMore(kb, ka);
}
