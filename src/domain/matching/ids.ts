/**
 * Identity numbers as typed: 12-digit citizen ID (CCCD / personal identification number),
 * 9-digit old ID card (CMND), passport numbers, and what spreadsheets did to them.
 */
import type { Gender } from '../records.js';

export type IdKind = 'citizen' | 'old' | 'passport' | 'missing' | 'invalid';

export interface NormalizedId {
  /** Digits (or upper-case letters and digits for a passport); '' when missing/invalid. */
  value: string;
  kind: IdKind;
  /** Leading zeros were restored (the cell had been read as a number). */
  zerosRestored: boolean;
  /** Digits of an unusable number kept for variant search (a 13-digit ID with one extra digit). */
  digits: string;
}

/** GSO province codes (2-digit, as in the citizen ID's first three digits `0xx`). */
const PROVINCES = new Set([
  1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
  38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
  79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
]);

/** Century of birth by the 4th digit (Circular 07/2016/TT-BCA): even = male, odd = female. */
const CENTURY_BY_DIGIT = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800] as const;

/** Characters people and spreadsheets put inside numbers: spaces, dashes, dots, quotes. */
function stripSeparators(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isUpper = c >= 65 && c <= 90;
    const isLower = c >= 97 && c <= 122;
    if (isDigit || isUpper) out += raw[i];
    else if (isLower) out += String.fromCharCode(c - 32);
    else if (c > 127 && !/\s/.test(raw[i]!)) return '\u0000'; // foreign script: not an ID we read
  }
  return out;
}

/**
 * `O01080012345`: letters O, I and L typed for 0 and 1 inside a number of citizen-ID or
 * old-ID length. Passports (one or two letters then digits) are left alone.
 */
function lookAlikeDigits(s: string): string {
  if (s.length !== 12 && s.length !== 9) return s;
  let out = '';
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') out += c;
    else if (c === 'O') (out += '0'), letters++;
    else if (c === 'I' || c === 'L') (out += '1'), letters++;
    else return s;
  }
  if (letters !== 1) return s;
  // A leading letter then digits reads as a passport (B1234567), except an O where every
  // citizen ID has its leading 0.
  const leadingLetter = s[0]! < '0' || s[0]! > '9';
  return !leadingLetter || (s[0] === 'O' && s.length === 12) ? out : s;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function provinceOk(id12: string): boolean {
  return id12.charCodeAt(0) === 48 && PROVINCES.has((id12.charCodeAt(1) - 48) * 10 + id12.charCodeAt(2) - 48);
}

const MISSING: NormalizedId = { value: '', kind: 'missing', zerosRestored: false, digits: '' };

export function normalizeId(raw: string | number | null | undefined): NormalizedId {
  if (raw === null || raw === undefined) return MISSING;
  const text = String(raw).trim();
  if (text === '') return MISSING;
  // The common case, a clean 12-digit number, without copying.
  if (text.length === 12 && allDigits(text)) return { value: text, kind: 'citizen', zerosRestored: false, digits: text };
  // `1.2345E+11`: the spreadsheet rounded the number away; nothing can restore it.
  if (/^\d(\.\d+)?E\+?\d+$/i.test(text)) return { value: '', kind: 'invalid', zerosRestored: false, digits: '' };
  const s = lookAlikeDigits(stripSeparators(text));
  if (s === '') return MISSING;
  if (allDigits(s)) {
    if (s.length === 12) return { value: s, kind: 'citizen', zerosRestored: false, digits: s };
    if (s.length === 9) return { value: s, kind: 'old', zerosRestored: false, digits: s };
    // A cell read as a number loses the leading 0 (or 00 for province codes below 10).
    if (s.length === 10 || s.length === 11) {
      const padded = s.padStart(12, '0');
      if (provinceOk(padded)) return { value: padded, kind: 'citizen', zerosRestored: true, digits: padded };
    }
    if (s.length === 8) return { value: `0${s}`, kind: 'old', zerosRestored: true, digits: `0${s}` };
    return { value: '', kind: 'invalid', zerosRestored: false, digits: s };
  }
  // Passports: letters and digits, 6–12 characters (VN: one letter + 7 digits).
  const hasDigit = /\d/.test(s);
  if (hasDigit && s.length >= 6 && s.length <= 12 && /^[A-Z0-9]+$/.test(s)) {
    return { value: s, kind: 'passport', zerosRestored: false, digits: '' };
  }
  return { value: '', kind: 'invalid', zerosRestored: false, digits: '' };
}

export function classifyId(raw: string | number | null | undefined): IdKind {
  return normalizeId(raw).kind;
}

export interface DecodedCitizenId {
  /** 3-digit code `0xx` of the province where the birth was registered. */
  provinceCode: string;
  /** False when the code is not one of the 63 provinces (a typo in the first digits). */
  provinceKnown: boolean;
  gender: Gender;
  birthYear: number;
}

/** What a 12-digit ID says about its holder; `null` when it is not 12 digits. */
export function decodeCitizenId(id: string): DecodedCitizenId | null {
  if (id.length !== 12 || !allDigits(id)) return null;
  const centuryDigit = id.charCodeAt(3) - 48;
  return {
    provinceCode: id.slice(0, 3),
    provinceKnown: provinceOk(id),
    gender: centuryDigit % 2 === 0 ? 'male' : 'female',
    birthYear: CENTURY_BY_DIGIT[centuryDigit]! + Number(id.slice(4, 6)),
  };
}

/**
 * Numbers one keystroke away: every one-digit substitution and adjacent transposition
 * (and, for one digit too many, every deletion). For 12-digit IDs only variants with a
 * known province and a 1900–2099 century digit are kept: others cannot exist. Digits at
 * `fixedPositions` (known right, say the birth year the record confirms) are not substituted.
 */
export function idVariants(digits: string, fixedPositions: readonly number[] = []): string[] {
  const out: string[] = [];
  const n = digits.length;
  const keep = (v: string): void => {
    if (v.length !== 12 || (provinceOk(v) && v.charCodeAt(3) <= 51)) out.push(v);
  };
  if (n === 13) {
    for (let i = 0; i < n; i++) keep(digits.slice(0, i) + digits.slice(i + 1));
    return [...new Set(out)];
  }
  if (n !== 12 && n !== 9) return out;
  for (let i = 0; i < n; i++) {
    if (fixedPositions.includes(i)) continue;
    const head = digits.slice(0, i);
    const tail = digits.slice(i + 1);
    for (let d = 0; d <= 9; d++) {
      const ch = String.fromCharCode(48 + d);
      if (ch !== digits[i]) keep(head + ch + tail);
    }
  }
  for (let i = 0; i + 1 < n; i++) {
    if (digits[i] === digits[i + 1]) continue;
    keep(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2));
  }
  return out;
}

/** True when `a` is `b` with one extra digit typed. */
function oneExtraDigit(a: string, b: string): boolean {
  let i = 0;
  while (i < b.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i);
}

/** True when entered `a` differs from `b` by one substitution, adjacent transposition or extra digit. */
export function oneKeystrokeApart(a: string, b: string): boolean {
  if (a.length === b.length + 1) return oneExtraDigit(a, b);
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      if (count === 0) first = i;
      count++;
      if (count > 2) return false;
    }
  }
  if (count === 1) return true;
  return a[first] === b[first + 1] && a[first + 1] === b[first];
}
