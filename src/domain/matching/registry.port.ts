/**
 * The registry-lookup port: how the matcher asks the population registry for candidates.
 *
 * The matcher works a chunk of records at a time. For each chunk it calls
 * `findCandidates` once with the union of the chunk's blocking keys, and a second time
 * only for the records still unresolved, with one-keystroke variants of their ID numbers
 * and their masked-name keys (`maskedNameKeys`: one misspelt word tolerated).
 * An implementation returns every citizen that matches ANY key (order and duplicates do
 * not matter; extra citizens are harmless, they are filtered and scored):
 *
 *   MongoDB: one `find` with
 *     { $or: [ { personalId: { $in: keys.personalIds } },
 *              { oldIdNumber: { $in: keys.oldIdNumbers } },
 *              { nameKey: { $in: names }, birthYear: { $in: years } },
 *              { maskedKeys: { $in: keys.maskedKeys } } ] }
 *   on indexes { personalId: 1 } (unique), { oldIdNumber: 1 } (sparse),
 *   { nameKey: 1, birthYear: 1 } and { maskedKeys: 1 } (multikey), where documents store
 *   `citizenKeys(citizen)` next to
 *   the Citizen fields. (The `$in` × `$in` over-fetch is filtered by the matcher; split the
 *   name block into `$or` of pairs if it ever gets large.)
 *
 * Callers bound the key count by the chunk size: a 1,000-record chunk asks for at most
 * ~1,000 IDs and name pairs in the first round, and ~100 variants per unresolved record
 * in the second.
 */
import type { Citizen } from '../records.js';
import type { BirthDate } from './dates.js';
import type { CitizenKeys } from './keys.js';

/**
 * A registry citizen with its indexed keys (see `citizenKeys`). `normalizedName`
 * (`normalizeName(fullName)`) and `birthDate` (`parseRegistryDate(dateOfBirth)`) are
 * optional: sources that precompute them save the matcher from normalizing every
 * candidate's name and looking up every candidate's date.
 */
export type RegistryCitizen = Citizen & CitizenKeys & { normalizedName?: string; birthDate?: BirthDate | null };

export interface NameYearKey {
  nameKey: string;
  birthYear: number;
}

export interface BlockingKeys {
  /** 12-digit IDs: as entered, repaired, or one keystroke away. */
  personalIds: string[];
  /** 9-digit old ID card numbers. */
  oldIdNumbers: string[];
  nameYears: NameYearKey[];
  /** Masked-name keys (`nguyen van *|1985-04-12`), second round only; absent means none. */
  maskedKeys?: string[];
}

export interface RegistryLookup {
  findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]>;
}

/** Synchronous view the engine scores against: an in-memory registry or one chunk's answer. */
export interface CandidateSource {
  byPersonalId(id: string): RegistryCitizen | undefined;
  byOldId(id: string): RegistryCitizen | undefined;
  byNameYear(nameKey: string, birthYear: number): readonly RegistryCitizen[];
  /** Citizens with this masked-name key (see `maskedNameKeys`); sources without the index omit it. */
  byMaskedKey?(key: string): readonly RegistryCitizen[];
}
