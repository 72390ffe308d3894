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

/**
 * What health stations write after a name to say who the person is (issue 19): kinship in
 * brackets (`(con)`, `(mẹ)`, `(cháu)`), a school or work abbreviation after a dash (`- HS`
 * học sinh, `- SV` sinh viên, `- GV` giáo viên, `- CB` cán bộ, `- CN` công nhân), or a short
 * note (`(đã tiêm ở BV)`), by age and sex.
 */
export function annotationFor(rng: Rng, p: Person): string {
  const age = CAMPAIGN_YEAR - p.birthYear;
  const male = p.gender === 'male';
  const notes = ['(đã tiêm ở BV)', '(tiêm tại nhà)', '(KT)', '(tạm trú)'];
  let kin: string[];
  let work: string[];
  if (age < 18) {
    kin = ['(con)', '(cháu)', '(Con)', '(con trai)', '(con gái)'];
    work = ['- HS', '- HS', '-HS', '– HS'];
  } else if (age < 25) {
    kin = ['(con)', '(cháu)'];
    work = ['- SV', '- CN', '- HS'];
  } else if (age < 60) {
    kin = male ? ['(bố)', '(chồng)', '(anh)'] : ['(mẹ)', '(vợ)', '(chị)'];
    work = ['- GV', '- CB', '- CN', '- GV', '- BS', '- CA'];
  } else {
    kin = male ? ['(ông)', '(bố)', '(ông nội)'] : ['(bà)', '(mẹ)', '(bà ngoại)'];
    work = ['- hưu trí', '- CB hưu'];
  }
  const x = rng.next();
  return x < 0.55 ? rng.pick(kin) : x < 0.9 ? rng.pick(work) : rng.pick(notes);
}

/** The name with an annotation after it, with or without a space before a bracket. */
export function withAnnotation(rng: Rng, p: Person, entered: string): string {
  const note = annotationFor(rng, p);
  return note.startsWith('(') && rng.chance(0.2) ? `${entered}${note}` : `${entered} ${note}`;
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
