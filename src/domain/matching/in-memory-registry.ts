/**
 * The whole population in memory, for the CLI, tests and benchmarks: about 60 bytes per
 * citizen plus the distinct names, dates and communes, so a million citizens take some
 * 150 MB. Citizens are stored column-wise (ID numbers as two 6-digit halves, strings as
 * numbers into tables) and rebuilt as objects only when the matcher looks them up.
 */
import type { Citizen } from '../records.js';
import { RowChains, StringTable, U32Column, mix } from './columns.js';
import { citizenKeys, maskedNameParts } from './keys.js';
import { parseRegistryDate, type BirthDate } from './dates.js';
import { nameFormsOnce } from './names.js';
import type { BlockingKeys, CandidateSource, RegistryCitizen, RegistryLookup } from './registry.port.js';

/** No old ID card (9-digit numbers are below 10^9). */
const NO_OLD_ID = 0xffffffff;
const FEMALE_BIT = 0x8000;

/** `[high, low]` 6-digit halves of a 12-digit number, or null. */
function halves(id: string): [number, number] | null {
  if (id.length !== 12) return null;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 12; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    if (i < 6) hi = hi * 10 + d;
    else lo = lo * 10 + d;
  }
  return [hi, lo];
}

function nineDigits(id: string): number {
  if (id.length !== 9) return -1;
  let n = 0;
  for (let i = 0; i < 9; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The 12 digits of an ID stored as two 6-digit halves: one number to string (exact below 2^53), not two and a join. */
const idOf = (hi: number, lo: number) => String(hi * 1_000_000 + lo).padStart(12, '0');

const RECENT_SIZE = 65_536;

/** 32-bit FNV-1a of a string. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

/** Which of the three masked parts a key is (see `maskedNameParts`): family+given, no given, no family. */
function maskKind(key: string): number {
  if (key.startsWith('* ')) return 2;
  return key.includes(' *|') ? 1 : 0;
}

export class InMemoryRegistry implements CandidateSource, RegistryLookup {
  private rows = 0;
  private readonly idHigh = new U32Column();
  private readonly idLow = new U32Column();
  private readonly oldId = new U32Column();
  /** Old ID numbers that are not 9 digits (rare): row → number and number → row. */
  private readonly oddOldIds = new Map<number, string>();
  private readonly oddOldRows = new Map<string, number>();
  private readonly name = new U32Column();
  private readonly nameKey = new U32Column();
  private readonly normalizedName = new U32Column();
  private readonly dob = new U32Column();
  private readonly commune = new U32Column();
  /** Birth year (0 when unknown) and the female bit. */
  private readonly yearAndSex = new U32Column();
  private readonly strings = new StringTable();
  /** Birth dates apart from the other strings, each parsed once (`birthDates`, same numbers) and shared by every rebuilt citizen. */
  private readonly dates = new StringTable();
  private readonly birthDates: (BirthDate | null)[] = [];
  /** Folded names apart from the other strings: a smaller table for the per-record lookup. */
  private readonly nameKeys = new StringTable();
  private readonly byId = new RowChains((row) => mix(this.idHigh.get(row), this.idLow.get(row)));
  private readonly byOld = new RowChains((row) => mix(this.oldId.get(row), 0));
  /**
   * Citizens rebuilt recently, direct-mapped by row: a record finds its person by ID and
   * again by name, and the next doses of the same person follow within some thousands of
   * records. 65,536 objects (about 15 MB): with 4,096, most of a person's later doses missed
   * and rebuilt the citizen, a fifth of the engine's time on the 100,000-people bench.
   */
  private readonly recentRows = new Int32Array(RECENT_SIZE).fill(-1);
  private readonly recent: (RegistryCitizen | undefined)[] = new Array(RECENT_SIZE);
  private readonly byName = new RowChains((row) => mix(this.nameKey.get(row), this.yearAndSex.get(row) & 0x7fff));
  /** Hashes of the three masked-name keys per row, and a chain over each (the second block). */
  private readonly maskHashes = [new U32Column(), new U32Column(), new U32Column()];
  private readonly byMask = this.maskHashes.map((column) => new RowChains((row) => column.get(row)));

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

  get size(): number {
    return this.rows;
  }

  /** Adds a citizen; false (and nothing stored) for a personalId that is not 12 digits or already present. */
  addCitizen(c: Citizen): boolean {
    const id = halves(c.personalId);
    if (!id || this.findRow(id[0], id[1]) !== -1) return false;
    const row = this.rows++;
    const forms = nameFormsOnce(c.fullName);
    const keys = citizenKeys(c);
    this.idHigh.set(row, id[0]);
    this.idLow.set(row, id[1]);
    this.name.set(row, this.strings.intern(c.fullName));
    this.nameKey.set(row, this.nameKeys.intern(keys.nameKey));
    this.normalizedName.set(row, this.strings.intern(forms.normalized));
    const dob = this.dates.intern(c.dateOfBirth);
    this.dob.set(row, dob);
    if (dob === this.birthDates.length) this.birthDates.push(parseRegistryDate(c.dateOfBirth));
    this.commune.set(row, this.strings.intern(c.communeCode));
    this.yearAndSex.set(row, (keys.birthYear ?? 0) | (c.gender === 'female' ? FEMALE_BIT : 0));
    this.byId.add(row);
    const old = c.oldIdNumber ? nineDigits(c.oldIdNumber) : -1;
    this.oldId.set(row, old === -1 ? NO_OLD_ID : old);
    if (old !== -1) this.byOld.add(row);
    else if (c.oldIdNumber) {
      this.oddOldIds.set(row, c.oldIdNumber);
      this.oddOldRows.set(c.oldIdNumber, row);
    }
    if (keys.birthYear !== null) this.byName.add(row);
    const parts = maskedNameParts(keys.nameKey);
    for (let k = 0; k < parts.length; k++) {
      this.maskHashes[k]!.set(row, hashString(`${parts[k]}|${c.dateOfBirth}`));
      this.byMask[k]!.add(row);
    }
    return true;
  }

  private findRow(hi: number, lo: number): number {
    for (let row = this.byId.first(mix(hi, lo)); row !== -1; row = this.byId.after(row)) {
      if (this.idHigh.get(row) === hi && this.idLow.get(row) === lo) return row;
    }
    return -1;
  }

  private citizenAt(row: number): RegistryCitizen {
    const slot = row & (RECENT_SIZE - 1);
    if (this.recentRows[slot] === row) return this.recent[slot]!;
    const c = this.rebuild(row);
    this.recentRows[slot] = row;
    this.recent[slot] = c;
    return c;
  }

  private rebuild(row: number): RegistryCitizen {
    const yearAndSex = this.yearAndSex.get(row);
    const year = yearAndSex & 0x7fff;
    const dob = this.dob.get(row);
    const c: RegistryCitizen = {
      personalId: idOf(this.idHigh.get(row), this.idLow.get(row)),
      fullName: this.strings.at(this.name.get(row)),
      dateOfBirth: this.dates.at(dob),
      gender: yearAndSex & FEMALE_BIT ? 'female' : 'male',
      communeCode: this.strings.at(this.commune.get(row)),
      nameKey: this.nameKeys.at(this.nameKey.get(row)),
      birthYear: year === 0 ? null : year,
      normalizedName: this.strings.at(this.normalizedName.get(row)),
      birthDate: this.birthDates[dob]!,
    };
    const old = this.oldId.get(row);
    if (old !== NO_OLD_ID) c.oldIdNumber = String(old).padStart(9, '0');
    else if (this.oddOldIds.has(row)) c.oldIdNumber = this.oddOldIds.get(row)!;
    return c;
  }

  byPersonalId(id: string): RegistryCitizen | undefined {
    // `halves` inlined: no array per lookup (one per record, ~70 per second-round record).
    if (id.length !== 12) return undefined;
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 12; i++) {
      const d = id.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (i < 6) hi = hi * 10 + d;
      else lo = lo * 10 + d;
    }
    const row = this.findRow(hi, lo);
    return row === -1 ? undefined : this.citizenAt(row);
  }

  byOldId(id: string): RegistryCitizen | undefined {
    const n = nineDigits(id);
    if (n === -1) {
      if (this.oddOldRows.size === 0) return undefined;
      const row = this.oddOldRows.get(id);
      return row === undefined ? undefined : this.citizenAt(row);
    }
    for (let row = this.byOld.first(mix(n, 0)); row !== -1; row = this.byOld.after(row)) {
      if (this.oldId.get(row) === n) return this.citizenAt(row);
    }
    return undefined;
  }

  byNameYear(nameKey: string, birthYear: number): readonly RegistryCitizen[] {
    const key = this.nameKeys.find(nameKey);
    if (key === -1) return [];
    const out: RegistryCitizen[] = [];
    for (let row = this.byName.first(mix(key, birthYear)); row !== -1; row = this.byName.after(row)) {
      if (this.nameKey.get(row) === key && (this.yearAndSex.get(row) & 0x7fff) === birthYear) out.push(this.citizenAt(row));
    }
    return out;
  }

  byMaskedKey(key: string): readonly RegistryCitizen[] {
    const kind = maskKind(key);
    const hash = hashString(key);
    const column = this.maskHashes[kind]!;
    const out: RegistryCitizen[] = [];
    for (let row = this.byMask[kind]!.first(hash); row !== -1; row = this.byMask[kind]!.after(row)) {
      if (column.get(row) !== hash) continue;
      const c = this.citizenAt(row);
      if (`${maskedNameParts(c.nameKey)[kind]}|${c.dateOfBirth}` === key) out.push(c);
    }
    return out;
  }

  /** The port, for code written against any registry. */
  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    const out = new Map<string, RegistryCitizen>();
    const keep = (c: RegistryCitizen | undefined) => {
      if (c) out.set(c.personalId, c);
    };
    for (const id of keys.personalIds) keep(this.byPersonalId(id));
    for (const id of keys.oldIdNumbers) keep(this.byOldId(id));
    for (const k of keys.nameYears) for (const c of this.byNameYear(k.nameKey, k.birthYear)) keep(c);
    for (const key of keys.maskedKeys ?? []) for (const c of this.byMaskedKey(key)) keep(c);
    return [...out.values()];
  }
}
