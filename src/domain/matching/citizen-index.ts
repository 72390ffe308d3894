/**
 * Maps from the blocking keys to registry citizens as plain objects: the per-chunk view
 * of what a database returned (the whole population uses the compact InMemoryRegistry).
 */
import type { Citizen } from '../records.js';
import { citizenKeys, maskedNameKeys } from './keys.js';
import type { CandidateSource, RegistryCitizen } from './registry.port.js';

const NONE: readonly RegistryCitizen[] = [];

/**
 * 30-bit FNV-1a hash of the folded name and the birth year: a small-integer Map key, so
 * a million citizens need no key strings. Collisions are filtered on lookup.
 */
function nameYearHash(nameKey: string, birthYear: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < nameKey.length; i++) {
    h = Math.imul(h ^ nameKey.charCodeAt(i), 16_777_619);
  }
  h = Math.imul(h ^ birthYear, 16_777_619);
  return h >>> 2;
}

export class CitizenIndex implements CandidateSource {
  protected readonly ids = new Map<string, RegistryCitizen>();
  protected readonly oldIds = new Map<string, RegistryCitizen>();
  /** A single citizen or, for shared name+year keys, an array: singletons are the norm. */
  protected readonly names = new Map<number, RegistryCitizen | RegistryCitizen[]>();
  protected readonly masked = new Map<string, RegistryCitizen[]>();

  get size(): number {
    return this.ids.size;
  }

  /** Adds a citizen once (a second copy with the same personalId is ignored). */
  add(citizen: RegistryCitizen): void {
    if (this.ids.has(citizen.personalId)) return;
    this.ids.set(citizen.personalId, citizen);
    if (citizen.oldIdNumber) this.oldIds.set(citizen.oldIdNumber, citizen);
    for (const key of citizen.maskedKeys ?? maskedNameKeys(citizen.nameKey, citizen.dateOfBirth)) {
      const list = this.masked.get(key);
      if (list) list.push(citizen);
      else this.masked.set(key, [citizen]);
    }
    if (citizen.birthYear === null) return;
    const key = nameYearHash(citizen.nameKey, citizen.birthYear);
    const existing = this.names.get(key);
    if (existing === undefined) this.names.set(key, citizen);
    else if (Array.isArray(existing)) existing.push(citizen);
    else this.names.set(key, [existing, citizen]);
  }

  byPersonalId(id: string): RegistryCitizen | undefined {
    return this.ids.get(id);
  }

  byOldId(id: string): RegistryCitizen | undefined {
    return this.oldIds.get(id);
  }

  byMaskedKey(key: string): readonly RegistryCitizen[] {
    return this.masked.get(key) ?? NONE;
  }

  byNameYear(nameKey: string, birthYear: number): readonly RegistryCitizen[] {
    const found = this.names.get(nameYearHash(nameKey, birthYear));
    if (found === undefined) return NONE;
    if (!Array.isArray(found)) return found.nameKey === nameKey && found.birthYear === birthYear ? [found] : NONE;
    return found.filter((c) => c.nameKey === nameKey && c.birthYear === birthYear);
  }
}

/** Adds the registry keys to a citizen, keeping only the fields the matcher reads. */
export function toRegistryCitizen(c: Citizen): RegistryCitizen {
  return { ...c, ...citizenKeys(c) };
}
