/**
 * Canonical tone-mark placement for one Vietnamese syllable.
 *
 * The same name is written with the tone on different vowels depending on the keyboard
 * and the school of spelling: `hoà`/`hòa`, `thuý`/`thúy`, `khoẻ`/`khỏe`, `uỳ`/`ùy`. We
 * strip the tone and put it back by one fixed rule (the "new style": on the main vowel),
 * so that two spellings of one syllable compare equal. Letters and vowel-quality marks
 * (â ă ê ô ơ ư) are never changed: only where the tone sits.
 */

/** Combining tone marks (after NFD): grave, acute, tilde, hook above, dot below. */
const TONE_MARKS = new Set([0x300, 0x301, 0x303, 0x309, 0x323]);
/** Deprecated duplicates some keyboards emit for grave and acute. */
const TONE_ALIASES = new Map([
  [0x340, 0x300],
  [0x341, 0x301],
]);
/** Vowel-quality marks: circumflex, breve, horn. */
const QUALITY_MARKS = new Set([0x302, 0x306, 0x31b]);
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

interface Letter {
  base: string;
  /** Quality and other non-tone combining marks, in input order. */
  marks: string;
}

function isCombining(code: number): boolean {
  return code >= 0x300 && code <= 0x36f;
}

/** Index of the vowel carrying the tone, by the new-style rule; -1 when there is none. */
function tonePosition(letters: readonly Letter[]): number {
  let start = -1;
  for (let i = 0; i < letters.length; i++) {
    if (VOWELS.has(letters[i]!.base)) {
      start = i;
      break;
    }
  }
  if (start < 0) return -1;
  let end = start;
  while (end + 1 < letters.length && VOWELS.has(letters[end + 1]!.base)) end++;
  // `qu` and `gi` followed by a vowel: the u / i belongs to the consonant.
  if (end > start) {
    const prev = start > 0 ? letters[start - 1]!.base : '';
    const first = letters[start]!;
    if ((prev === 'q' && first.base === 'u') || (prev === 'g' && first.base === 'i' && first.marks === '')) {
      start++;
    }
  }
  if (start === end) return start;
  // A vowel with a quality mark takes the tone (the last one: ươ → ơ, uô → ô, iê → ê).
  for (let i = end; i >= start; i--) {
    const marks = letters[i]!.marks;
    for (let k = 0; k < marks.length; k++) {
      if (QUALITY_MARKS.has(marks.charCodeAt(k))) return i;
    }
  }
  const hasFinalConsonant = end + 1 < letters.length;
  if (hasFinalConsonant) return end; // hoàng, toán, tuyết
  const length = end - start + 1;
  if (length >= 3) return start + 1; // ngoái, khuỷu
  const pair = letters[start]!.base + letters[end]!.base;
  if (pair === 'oa' || pair === 'oe' || pair === 'uy') return end; // hoà, khoẻ, thuý
  return start; // mái, mía, múa, túi
}

/**
 * Lower-case NFC syllable with its tone on the canonical vowel. The input must already
 * be lower case; non-Vietnamese letters pass through unchanged.
 */
export function canonicalSyllable(token: string): string {
  const decomposed = token.normalize('NFD');
  const letters: Letter[] = [];
  let tone = '';
  for (let i = 0; i < decomposed.length; i++) {
    let code = decomposed.charCodeAt(i);
    code = TONE_ALIASES.get(code) ?? code;
    if (!isCombining(code)) {
      letters.push({ base: decomposed[i]!, marks: '' });
    } else if (TONE_MARKS.has(code)) {
      tone = String.fromCharCode(code);
    } else if (letters.length > 0) {
      letters[letters.length - 1]!.marks += String.fromCharCode(code);
    }
  }
  const at = tone === '' ? -1 : tonePosition(letters);
  let out = '';
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i]!;
    // Quality mark first, then the tone: NFC composes ê + ◌́ into ế only in that order.
    out += letter.base + letter.marks + (i === at ? tone : '');
  }
  if (tone !== '' && at < 0) out += tone; // a tone on no vowel: keep it, do not invent a place
  return out.normalize('NFC');
}
