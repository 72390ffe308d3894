/** The indexed fields a registry document carries so that the matcher can find it. */
import type { Citizen } from '../records.js';
import { nameFormsOnce } from './names.js';

export interface CitizenKeys {
  /** Folded full name (`nguyen van an`): with `birthYear`, the name block. */
  nameKey: string;
  /** Year of birth from the registry date; `null` if the registry has none. */
  birthYear: number | null;
  /**
   * The second block, which tolerates one misspelt or missing word: the folded name with one
   * part masked, joined to the registry birth date (see `maskedNameKeys`). Optional: documents
   * imported before it existed are found by the first block only.
   */
  maskedKeys?: string[];
}

/**
 * The folded name with one part masked: family and given name (middle names left out), the
 * name without its given name, and the name without its family name:
 * `nguyen van hung` → `nguyen hung`, `nguyen van *`, `* van hung`. One wrong, dropped or added
 * word leaves at least one of them intact: a misspelt given name keeps the second, a misspelt
 * family name the third, a dropped, added, misspelt or different middle name the first.
 */
export function maskedNameParts(nameKey: string): string[] {
  const words = nameKey.split(' ');
  if (words.length < 2 || words[0] === '') return [];
  return [
    `${words[0]} ${words[words.length - 1]}`,
    `${words.slice(0, -1).join(' ')} *`,
    `* ${words.slice(1).join(' ')}`,
  ];
}

/** `maskedNameParts` joined to a birth date as the registry writes it (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`). */
export function maskedNameKeys(nameKey: string, dateOfBirth: string): string[] {
  return maskedNameParts(nameKey).map((part) => `${part}|${dateOfBirth}`);
}

export function citizenKeys(c: Pick<Citizen, 'fullName' | 'dateOfBirth'>): CitizenKeys & { maskedKeys: string[] } {
  const year = Number(c.dateOfBirth.slice(0, 4));
  const nameKey = nameFormsOnce(c.fullName).folded;
  return {
    nameKey,
    birthYear: Number.isInteger(year) && year > 0 ? year : null,
    maskedKeys: maskedNameKeys(nameKey, c.dateOfBirth),
  };
}
