/** The indexed fields a registry document carries so that the matcher can find it. */
import type { Citizen } from '../records.js';
import { foldName } from './names.js';

export interface CitizenKeys {
  /** Folded full name (`nguyen van an`): with `birthYear`, the name block. */
  nameKey: string;
  /** Year of birth from the registry date; `null` if the registry has none. */
  birthYear: number | null;
}

export function citizenKeys(c: Pick<Citizen, 'fullName' | 'dateOfBirth'>): CitizenKeys {
  const year = Number(c.dateOfBirth.slice(0, 4));
  return { nameKey: foldName(c.fullName), birthYear: Number.isInteger(year) && year > 0 ? year : null };
}
