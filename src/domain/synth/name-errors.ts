/**
 * How clerks mistype names, beyond diacritics and spelling by ear: a title or kinship word
 * before the name, the input method left off (Telex/VNI keystrokes), a middle name dropped or
 * added, a keyboard slip anywhere in the name.
 */
import type { Person } from './population.js';
import { typeName, type KeyboardMethod } from './keyboard.js';
import { weightedPicker, type Rng } from './prng.js';

/** The campaign year: ages decide which title a clerk writes. */
const CAMPAIGN_YEAR = 2021;

const pickTitleCase = weightedPicker<(t: string) => string>([
  [(t) => t, 60],
  [(t) => t.toLowerCase(), 15],
  [(t) => t.toUpperCase(), 10],
  [(t) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, ''), 15],
]);

/** `Cụ`, `Ông`/`Bà`, `Anh`/`Chị`, `Em`/`Bé`/`Cháu` by age and sex, as a site writes them. */
export function titleFor(rng: Rng, p: Person): string {
  const age = CAMPAIGN_YEAR - p.birthYear;
  const male = p.gender === 'male';
  let title: string;
  if (age >= 75) title = rng.pick(male ? ['Cụ', 'Cụ ông', 'Ông'] : ['Cụ', 'Cụ bà', 'Bà']);
  else if (age >= 45) title = male ? rng.pick(['Ông', 'Ông', 'Bác', 'Chú']) : rng.pick(['Bà', 'Bà', 'Bác', 'Cô']);
  else if (age >= 18) title = male ? rng.pick(['Anh', 'Anh', 'Chú']) : rng.pick(['Chị', 'Chị', 'Cô']);
  else title = rng.pick(['Bé', 'Cháu', 'Em']);
  return pickTitleCase(rng)(title);
}

export function withTitle(rng: Rng, p: Person, entered: string): string {
  return `${titleFor(rng, p)} ${entered}`;
}

export function keyboardResidue(rng: Rng, p: Person, method: KeyboardMethod): string | null {
  const typed = typeName(rng, p.fullName, method);
  return typed === p.fullName ? null : typed;
}

/** One middle word left out (names of three words or more). */
export function dropMiddle(rng: Rng, p: Person): string | null {
  const words = p.fullName.split(' ');
  if (words.length < 3) return null;
  words.splice(rng.range(1, words.length - 2), 1);
  return words.join(' ');
}

const ADDED_MIDDLE = ['Minh', 'Ngọc', 'Thanh', 'Hữu', 'Đức', 'Xuân', 'Thu', 'Kim'];

/** `Văn`/`Thị` or a common middle name put in after the family name. */
export function addMiddle(rng: Rng, p: Person): string | null {
  const words = p.fullName.split(' ');
  if (words.length > 3) return null;
  const classic = p.gender === 'male' ? 'Văn' : 'Thị';
  const added = !words.includes(classic) && rng.chance(0.6) ? classic : rng.pick(ADDED_MIDDLE);
  if (words.includes(added)) return null;
  words.splice(1, 0, added);
  return words.join(' ');
}

/** Keys next to each other on a QWERTY keyboard (letters that occur in folded names). */
const NEIGHBOURS: Record<string, string> = {
  a: 's', b: 'vn', c: 'xv', d: 'sf', e: 'wr', g: 'fh', h: 'gj', i: 'uo', k: 'jl', l: 'k', m: 'n', n: 'bm',
  o: 'ip', p: 'o', q: 'w', r: 'et', s: 'ad', t: 'ry', u: 'yi', v: 'cb', x: 'zc', y: 'tu',
};

/**
 * One slip of the fingers in one word of three letters or more: a letter dropped, doubled,
 * swapped with the next, or replaced by its neighbour on the keyboard.
 */
export function keyboardSlip(rng: Rng, p: Person): string | null {
  const words = p.fullName.split(' ');
  const eligible = words.map((w, i) => (w.length >= 3 ? i : -1)).filter((i) => i >= 0);
  if (eligible.length === 0) return null;
  const at = rng.pick(eligible);
  const chars = [...words[at]!];
  const i = rng.range(1, chars.length - 1);
  const op = rng.int(4);
  if (op === 0) chars.splice(i, 1);
  else if (op === 1) chars.splice(i, 0, chars[i]!);
  else if (op === 2 && i + 1 < chars.length && chars[i] !== chars[i + 1]) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  else {
    const near = NEIGHBOURS[chars[i]!.normalize('NFD')[0]!.toLowerCase()];
    if (!near) return null;
    chars[i] = rng.pick([...near]);
  }
  words[at] = chars.join('');
  const out = words.join(' ');
  return out === p.fullName ? null : out;
}
