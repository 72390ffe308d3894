import type { Gender } from '../records.js';
import { weightedPicker, type Rng } from './prng.js';

/**
 * Family names by share of the population (percent). Sources summarised in issue 4: Nguyễn ~38%,
 * Trần ~11%, Lê ~9.5%, Phạm ~7%, Hoàng/Huỳnh ~5% (Huỳnh is the southern reading), then the rest.
 */
export const FAMILY_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 3], ['Huỳnh', 2], ['Phan', 4.5],
  ['Vũ', 2.2], ['Võ', 1.7], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3],
  ['Dương', 1], ['Lý', 0.5], ['Đinh', 0.6], ['Trương', 0.6], ['Lương', 0.4], ['Mai', 0.4],
  ['Cao', 0.4], ['Tạ', 0.3], ['Lâm', 0.3], ['Hà', 0.4], ['Chu', 0.2], ['Đào', 0.4], ['Tô', 0.2],
  ['Trịnh', 0.4], ['Quách', 0.1], ['Kiều', 0.1], ['Thái', 0.2], ['Đoàn', 0.4], ['Vương', 0.2],
];

export const pickFamilyName = weightedPicker(FAMILY_NAMES);

export interface NameLists {
  male: readonly string[];
  female: readonly string[];
}

/**
 * Parse a name list file (one `Middle Given` pair per line), NFC. Some lines spell Đ with the
 * look-alike Icelandic Ð (U+00D0); the registry holds the Vietnamese letter (U+0110).
 */
export function parseNameList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/\s+/g, ' ').replaceAll('\u00d0', '\u0110').replaceAll('\u00f0', '\u0111').normalize('NFC'))
    .filter((l) => l !== '');
}

/**
 * A full name: family name, then for many older people the classic `Văn`/`Thị` with one given
 * word, otherwise a middle-and-given pair from the lists.
 */
export function makeFullName(rng: Rng, lists: NameLists, family: string, gender: Gender, birthYear: number): string {
  const pair = rng.pick(gender === 'male' ? lists.male : lists.female);
  const classicShare = birthYear < 1960 ? 0.7 : birthYear < 1985 ? 0.45 : 0.15;
  if (rng.chance(classicShare)) {
    const given = pair.split(' ').at(-1)!;
    return `${family} ${gender === 'male' ? 'Văn' : 'Thị'} ${given}`;
  }
  return `${family} ${pair}`;
}

/** Remove diacritics as a keyboard without Vietnamese input would: `Đặng Thị Huệ` → `Dang Thi Hue`. */
export function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** Old (`Hoà`, `Thuý`) ↔ new (`Hòa`, `Thúy`) tone placement on the diphthongs oa, oe, uy. */
const TONE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['oà', 'òa'], ['oá', 'óa'], ['oả', 'ỏa'], ['oã', 'õa'], ['oạ', 'ọa'],
  ['oè', 'òe'], ['oé', 'óe'], ['oẻ', 'ỏe'], ['oẽ', 'õe'], ['oẹ', 'ọe'],
  ['uỳ', 'ùy'], ['uý', 'úy'], ['uỷ', 'ủy'], ['uỹ', 'ũy'], ['uỵ', 'ụy'],
];

/** The same name with the other tone placement style, or null if no word has one of these diphthongs. */
export function swapToneStyle(name: string): string | null {
  const nfc = name.normalize('NFC');
  const words = nfc.split(' ');
  let changed = false;
  const out = words.map((w) => {
    const lower = w.toLowerCase();
    for (const [oldStyle, newStyle] of TONE_PAIRS) {
      for (const [from, to] of [[oldStyle, newStyle], [newStyle, oldStyle]] as const) {
        // Only at the end of a word: `Hoà` but not `Hoàng` (which has one spelling).
        if (lower.endsWith(from)) {
          changed = true;
          const head = w.slice(0, w.length - from.length);
          const tail = w.slice(-from.length);
          const mapped = [...to].map((ch, i) => (tail[i] === tail[i]!.toUpperCase() ? ch.toUpperCase() : ch)).join('');
          return head + mapped;
        }
      }
    }
    return w;
  });
  return changed ? out.join(' ') : null;
}

const TYPO_SWAPS: ReadonlyArray<readonly [string, string]> = [
  ['ơ', 'o'], ['ư', 'u'], ['â', 'a'], ['ă', 'a'], ['ê', 'e'], ['ô', 'o'], ['nh', 'n'], ['ng', 'n'],
  ['i', 'y'], ['y', 'i'], ['gi', 'd'], ['tr', 'ch'], ['s', 'x'], ['d', 'gi'],
];

/** A plausible misspelling of the given name (last word): a dropped hat, `i`/`y`, `tr`/`ch`... */
export function misspellGivenName(rng: Rng, fullName: string): string {
  const words = fullName.split(' ');
  const last = words.length - 1;
  const given = words[last]!;
  const lower = given.toLowerCase();
  const options = TYPO_SWAPS.filter(([from]) => lower.includes(from));
  let changed: string;
  if (options.length > 0) {
    const [from, to] = rng.pick(options);
    const at = lower.indexOf(from);
    const replaced = lower.slice(0, at) + to + lower.slice(at + from.length);
    changed = replaced.charAt(0).toUpperCase() + replaced.slice(1);
  } else {
    // Drop or double a letter.
    const i = rng.range(1, Math.max(1, given.length - 1));
    changed = rng.chance(0.5) ? given.slice(0, i) + given.slice(i + 1) : given.slice(0, i) + given[i - 1] + given.slice(i);
  }
  if (changed === given || changed.length === 0) changed = given + 'h';
  words[last] = changed;
  return words.join(' ');
}
