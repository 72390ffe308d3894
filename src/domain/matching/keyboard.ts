/**
 * Keystrokes of a Vietnamese input method left in the text when the method was off:
 * Telex (`Nguyeenx Vawn Hungf`: doubled vowels, `w`, `dd`, tone keys s f r x j) and VNI
 * (`Nguye6n4 Va8n Hu2ng`: digits 1–9). A word is decoded only when it shows such keys and
 * the result is a well-formed Vietnamese syllable; anything else is left as it was.
 */

const TELEX_TONES: Record<string, string> = { s: '\u0301', f: '\u0300', r: '\u0309', x: '\u0303', j: '\u0323', z: '' };
const VNI_TONES: Record<string, string> = { 1: '\u0301', 2: '\u0300', 3: '\u0309', 4: '\u0303', 5: '\u0323', 0: '' };
const VOWELS = 'aeiouy';

/** Toneless syllable: initial consonant, 1–3 vowels, final consonant (loose, but rejects English). */
const SYLLABLE = /^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?[aeiouyăâêôơư]{1,3}(ch|nh|ng|[cmnpt])?$/;

function wellFormed(toneless: string): boolean {
  return SYLLABLE.test(toneless);
}

/** A folded word (no diacritics) that could be a Vietnamese syllable: `trang` yes, `lnh`, `hugn` no. */
export function isSyllable(folded: string): boolean {
  return SYLLABLE.test(folded);
}

function withTone(toneless: string, tone: string): string {
  return (toneless + tone).normalize('NFC');
}

/** A `w` typed after the final consonant (`sonw`) belongs to the vowel before it (`sown`). */
function moveLateW(s: string): string {
  const at = s.lastIndexOf('w');
  if (at <= 0 || 'aou'.includes(s[at - 1]!)) return s;
  let v = at - 1;
  while (v >= 0 && !'aou'.includes(s[v]!)) v--;
  if (v < 0) return s;
  return s.slice(0, v + 1) + 'w' + s.slice(v + 1, at) + s.slice(at + 1);
}

/** Telex: `nguyeenx` → `nguyễn`; null when the word shows no Telex keys or does not decode. */
function decodeTelex(w: string): string | null {
  let s = w;
  let signs = false;
  if (s.startsWith('dd')) {
    s = `đ${s.slice(2)}`;
    signs = true;
  }
  // Tone keys: letters no Vietnamese syllable has after its first vowel.
  let tone = '';
  let out = '';
  let seenVowel = false;
  for (const ch of s) {
    if (seenVowel && ch in TELEX_TONES) {
      tone = TELEX_TONES[ch]!;
      signs = true;
      continue;
    }
    if (VOWELS.includes(ch)) seenVowel = true;
    out += ch;
  }
  const modified = moveLateW(out)
    .replace(/uwow|uwo|uow/g, 'ươ')
    .replace(/aw/g, 'ă')
    .replace(/ow/g, 'ơ')
    .replace(/uw/g, 'ư')
    .replace(/aa/g, 'â')
    .replace(/ee/g, 'ê')
    .replace(/oo/g, 'ô')
    .replace(/w/g, 'ư');
  if (modified !== out) signs = true;
  if (!signs || !wellFormed(modified)) return null;
  return withTone(modified, tone);
}

const MARK_FOR: Record<string, [targets: string, mark: string]> = {
  6: ['aeo', '\u0302'],
  7: ['ou', '\u031b'],
  8: ['a', '\u0306'],
  9: ['d', ''],
};

/** VNI: `nguye6n4` → `nguyễn`, `d9a8ng5` → `đặng`; null when there are no VNI digits. */
function decodeVni(w: string): string | null {
  let tone = '';
  const letters: string[] = [];
  let signs = false;
  for (const ch of w) {
    if (ch in VNI_TONES) {
      tone = VNI_TONES[ch]!;
      signs = true;
    } else if (ch in MARK_FOR) {
      const [targets, mark] = MARK_FOR[ch]!;
      let i = letters.length - 1;
      while (i >= 0 && !targets.includes(letters[i]![0]!)) i--;
      if (i < 0) return null;
      if (ch === '9') letters[i] = 'đ';
      else {
        letters[i] += mark;
        // `uo7` is ươ: the horn goes on both.
        if (ch === '7' && letters[i]![0] === 'o' && letters[i - 1] === 'u') letters[i - 1] += mark;
      }
      signs = true;
    } else {
      letters.push(ch);
    }
  }
  const toneless = letters.join('').normalize('NFC');
  if (!signs || !wellFormed(toneless)) return null;
  return withTone(toneless.normalize('NFD'), tone);
}

/** Quick test before any work: plain lower-case ASCII letters, with digits only for VNI. */
function asciiWord(w: string): 'letters' | 'digits' | null {
  let digits = false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 48 && c <= 57) digits = true;
    else if (c < 97 || c > 122) return null;
  }
  return digits ? 'digits' : 'letters';
}

/**
 * The accented syllable a lower-case word was meant to be, when it is Telex or VNI residue;
 * null otherwise (an ordinary word, with or without diacritics).
 */
export function decodeKeyboardResidue(lower: string): string | null {
  const kind = asciiWord(lower);
  if (kind === null || lower.length < 2) return null;
  return kind === 'digits' ? decodeVni(lower) : decodeTelex(lower);
}
