/**
 * The register's own logic behind the stand-in: a population in memory, the authentication of a
 * declared subject against it, and the search by name and birth date. What a real register does
 * is its owners' business; this one is written to the contract in docs/registry-api.md.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Citizen } from '../../src/domain/records.js';
import {
  InMemoryRegistry, normalizeId, normalizeName, parseBirthDate, parseGender, parseRegistryDate, searchCandidates,
} from '../../src/domain/matching/index.js';

export type Field = 'fullName' | 'dateOfBirth' | 'sex';
export interface SubjectIn { ref: string; idNumber: string; fullName: string; dateOfBirth: string; sex?: string }
export interface QueryIn { ref: string; fullName: string; dateOfBirth: string; communeCode: string }
export interface RegisterValues { personalId: string; fullName: string; dateOfBirth: string; sex: Citizen['gender']; communeCode: string; oldIdNumber?: string }

const values = (c: Citizen): RegisterValues => ({
  personalId: c.personalId, fullName: c.fullName, dateOfBirth: c.dateOfBirth, sex: c.gender, communeCode: c.communeCode,
  ...(c.oldIdNumber ? { oldIdNumber: c.oldIdNumber } : {}),
});

/** A declared date agrees with the register's at the coarser of the two precisions. */
function datesAgree(entered: string, registered: string): boolean {
  const d = parseBirthDate(entered);
  const r = parseRegistryDate(registered);
  if (!d || !r || d.year !== r.year) return false;
  if (d.precision === 'year' || r.precision === 'year') return true;
  if (d.month !== r.month) return false;
  return d.precision === 'month' || r.precision === 'month' || d.day === r.day;
}

/** Which declared fields disagree with the register's values (an empty sex is not compared). */
function disagreements(s: SubjectIn, c: Citizen): Field[] {
  const out: Field[] = [];
  if (normalizeName(s.fullName) !== normalizeName(c.fullName)) out.push('fullName');
  if (!datesAgree(s.dateOfBirth, c.dateOfBirth)) out.push('dateOfBirth');
  const sex = parseGender(s.sex ?? '');
  if (sex && sex !== c.gender) out.push('sex');
  return out;
}

export class Register {
  private constructor(private readonly people: InMemoryRegistry) {}

  static fromCitizens(citizens: Iterable<Citizen>): Register {
    return new Register(InMemoryRegistry.fromCitizens(citizens));
  }

  /** An NDJSON population file (the generator's `population.ndjson`), one citizen a line. */
  static async fromFile(path: string): Promise<Register> {
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    async function* citizens() { for await (const line of lines) if (line.trim()) yield JSON.parse(line) as Citizen; }
    return new Register(await InMemoryRegistry.fromAsync(citizens()));
  }

  get size(): number { return this.people.size; }

  authenticate(s: SubjectIn, withValues: boolean) {
    const id = normalizeId(s.idNumber);
    const unreadable: string[] = [];
    if (id.kind !== 'citizen' && id.kind !== 'old') unreadable.push('idNumber');
    if (!normalizeName(s.fullName)) unreadable.push('fullName');
    if (unreadable.length) return { ref: s.ref, status: 'malformed' as const, fields: unreadable };
    const c = id.kind === 'citizen' ? this.people.byPersonalId(id.value) : this.people.byOldId(id.value);
    if (!c) return { ref: s.ref, status: 'no_such_id' as const };
    const fields = disagreements(s, c);
    const register = withValues ? { register: values(c) } : {};
    return fields.length ? { ref: s.ref, status: 'disagrees' as const, fields, ...register } : { ref: s.ref, status: 'agrees' as const, ...register };
  }

  search(q: QueryIn, withValues: boolean, limit: number) {
    const found = searchCandidates(q, this.people, limit);
    return {
      ref: q.ref,
      candidates: found.map((c) => withValues
        ? { personalId: c.personalId, register: values(c) }
        : { personalId: c.personalId, agrees: (['fullName', 'dateOfBirth'] as const).filter((f) => !disagreements({ ref: '', idNumber: '', fullName: q.fullName, dateOfBirth: q.dateOfBirth }, c).includes(f)) }),
    };
  }
}
