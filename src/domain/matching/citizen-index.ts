/**
 * Maps from the blocking keys to registry citizens: the in-memory registry for the CLI
 * and tests, and the per-chunk view of what a database returned.
 */
import type { Citizen } from '../records.js';
import { citizenKeys } from './keys.js';
import {
  nameYearKey,
  type BlockingKeys,
  type CandidateSource,
  type RegistryCitizen,
  type RegistryLookup,
} from './registry.port.js';

const NONE: readonly RegistryCitizen[] = [];

export class CitizenIndex implements CandidateSource {
  protected readonly ids = new Map<string, RegistryCitizen>();
  protected readonly oldIds = new Map<string, RegistryCitizen>();
  /** A single citizen or, for shared name+year keys, an array: singletons are the norm. */
  protected readonly names = new Map<string, RegistryCitizen | RegistryCitizen[]>();

  get size(): number {
    return this.ids.size;
  }

  /** Adds a citizen once (a second copy with the same personalId is ignored). */
  add(citizen: RegistryCitizen): void {
    if (this.ids.has(citizen.personalId)) return;
    this.ids.set(citizen.personalId, citizen);
    if (citizen.oldIdNumber) this.oldIds.set(citizen.oldIdNumber, citizen);
    if (citizen.birthYear === null) return;
    const key = nameYearKey(citizen.nameKey, citizen.birthYear);
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

  byNameYear(nameKey: string, birthYear: number): readonly RegistryCitizen[] {
    const found = this.names.get(nameYearKey(nameKey, birthYear));
    if (found === undefined) return NONE;
    return Array.isArray(found) ? found : [found];
  }
}

/** Shares equal strings (commune codes, dates, common names) across a million citizens. */
class Interner {
  private readonly strings = new Map<string, string>();
  get(s: string): string {
    const found = this.strings.get(s);
    if (found !== undefined) return found;
    this.strings.set(s, s);
    return s;
  }
}

/** Adds the registry keys to a citizen, keeping only the fields the matcher reads. */
export function toRegistryCitizen(c: Citizen, intern: (s: string) => string = (s) => s): RegistryCitizen {
  const keys = citizenKeys(c);
  const out: RegistryCitizen = {
    personalId: c.personalId,
    fullName: c.fullName,
    dateOfBirth: intern(c.dateOfBirth),
    gender: c.gender === 'female' ? 'female' : 'male',
    communeCode: intern(c.communeCode),
    nameKey: intern(keys.nameKey),
    birthYear: keys.birthYear,
  };
  if (c.oldIdNumber) out.oldIdNumber = c.oldIdNumber;
  return out;
}

/**
 * The whole population in memory (CLI, tests, benchmarks). About 300–400 bytes per
 * citizen: one compact object, shared strings, and three map entries.
 */
export class InMemoryRegistry extends CitizenIndex implements RegistryLookup {
  private readonly interner = new Interner();

  static fromCitizens(citizens: Iterable<Citizen>): InMemoryRegistry {
    const registry = new InMemoryRegistry();
    for (const c of citizens) registry.addCitizen(c);
    return registry;
  }

  static async fromAsync(citizens: AsyncIterable<Citizen>): Promise<InMemoryRegistry> {
    const registry = new InMemoryRegistry();
    for await (const c of citizens) registry.addCitizen(c);
    return registry;
  }

  addCitizen(c: Citizen): void {
    this.add(toRegistryCitizen(c, (s) => this.interner.get(s)));
  }

  /** The port, for code written against any registry. */
  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    const out = new Set<RegistryCitizen>();
    for (const id of keys.personalIds) {
      const c = this.byPersonalId(id);
      if (c) out.add(c);
    }
    for (const id of keys.oldIdNumbers) {
      const c = this.byOldId(id);
      if (c) out.add(c);
    }
    for (const k of keys.nameYears) for (const c of this.byNameYear(k.nameKey, k.birthYear)) out.add(c);
    return [...out];
  }
}
