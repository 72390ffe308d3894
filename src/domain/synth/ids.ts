import type { Gender } from '../records.js';
import type { NumberSet } from './number-set.js';
import type { Rng } from './prng.js';

/**
 * 12-digit citizen ID: `0` + 2-digit province code, a century/sex digit (0/1 male/female born
 * 1900–1999, 2/3 born 2000–2099), the last two digits of the birth year, then 6 random digits.
 */
export function citizenIdPrefix(provinceCode: string, gender: Gender, birthYear: number): string {
  const century = birthYear >= 2000 ? 2 : 0;
  const digit = century + (gender === 'female' ? 1 : 0);
  return `0${provinceCode}${digit}${String(birthYear % 100).padStart(2, '0')}`;
}

/** A fresh, unique citizen ID (retries the 6 random digits on collision). */
export function newCitizenId(rng: Rng, used: NumberSet, provinceCode: string, gender: Gender, birthYear: number): string {
  const prefix = citizenIdPrefix(provinceCode, gender, birthYear);
  for (;;) {
    const id = prefix + String(rng.int(1_000_000)).padStart(6, '0');
    if (used.add(Number(id))) return id;
  }
}

/** A unique 9-digit old ID card number (CMND); the first two digits are a region code. */
export function newOldId(rng: Rng, used: NumberSet): string {
  for (;;) {
    const id = String(rng.range(1, 38)).padStart(2, '0') + String(rng.int(10_000_000)).padStart(7, '0');
    if (used.add(Number(id))) return id;
  }
}

/** A passport number as foreign passports look: one or two letters and 7–8 digits. */
export function newPassport(rng: Rng): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVXYZ';
  const prefix = rng.pick([...letters]) + (rng.chance(0.4) ? rng.pick([...letters]) : '');
  const digits = prefix.length === 1 ? 8 : 7;
  return prefix + String(rng.int(10 ** digits)).padStart(digits, '0');
}

/** One digit replaced by another (never the leading 0, which is its own error kind). */
export function typoDigit(rng: Rng, id: string): string {
  const i = rng.range(1, id.length - 1);
  const d = (Number(id[i]) + rng.range(1, 9)) % 10;
  return id.slice(0, i) + d + id.slice(i + 1);
}

/** Two adjacent different digits swapped; null when every adjacent pair is equal. */
export function transposeDigits(rng: Rng, id: string): string | null {
  const positions: number[] = [];
  for (let i = 1; i < id.length - 1; i++) if (id[i] !== id[i + 1]) positions.push(i);
  if (positions.length === 0) return null;
  const i = rng.pick(positions);
  return id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
}

/** As a spreadsheet shows an ID typed into a number cell: leading zeros lost. */
export function lostLeadingZero(id: string): string {
  return id.replace(/^0+/, '');
}

/** Two digits replaced (never the leading 0), not two that would read as one transposition. */
export function twoTypos(rng: Rng, id: string): string {
  for (;;) {
    const out = typoDigit(rng, typoDigit(rng, id));
    let diffs = 0;
    for (let i = 0; i < id.length; i++) if (out[i] !== id[i]) diffs++;
    const j = [...out].findIndex((ch, i) => ch !== id[i]);
    const transposition = diffs === 2 && out[j] === id[j + 1] && out[j + 1] === id[j];
    if (diffs === 2 && !transposition) return out;
  }
}
