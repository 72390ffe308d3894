/** Fictional citizens with families, twins and namesakes: the population side of the fixtures. */
import type { Citizen, Gender } from '../../src/domain/records.js';
import { FAMILY, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE, PROVINCES } from './names.js';
import type { Rng } from './rng.js';

export interface Person extends Citizen {
  /** Index of a relative (parent/child/spouse) in the same household, if any. */
  relative?: number;
}

/** Roughly one twin birth in 60 people gives the matcher its hardest cases. */
const TWIN_RATE = 1 / 60;
/** Share of adults who also had an old 9-digit ID card. */
const OLD_ID_RATE = 0.6;
/** Share of registry entries with only a birth year (old civil records). */
const YEAR_ONLY_RATE = 0.02;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function pickFamily(rng: Rng): string {
  const total = FAMILY.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [name, w] of FAMILY) if ((x -= w) < 0) return name;
  return FAMILY[0]![0];
}

function givenName(rng: Rng, gender: Gender): string {
  const middle = rng.pick(gender === 'male' ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = rng.pick(gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
  // One person in five has two middle names.
  return rng.chance(0.2) ? `${middle} ${rng.pick(gender === 'male' ? MIDDLE_MALE : MIDDLE_FEMALE)} ${given}` : `${middle} ${given}`;
}

export class PeopleFactory {
  private readonly usedIds = new Set<string>();
  private readonly usedOld = new Set<string>();
  constructor(
    private readonly rng: Rng,
    private readonly communes: string[],
  ) {}

  personalId(province: number, gender: Gender, year: number): string {
    const century = year >= 2000 ? 2 : 0;
    const head = `0${pad(province, 2)}${century + (gender === 'female' ? 1 : 0)}${pad(year % 100, 2)}`;
    for (;;) {
      const id = head + pad(this.rng.int(0, 999_999), 6);
      if (this.claim(id)) return id;
    }
  }

  private claim(id: string): boolean {
    if (this.usedIds.has(id)) return false;
    this.usedIds.add(id);
    return true;
  }

  oldId(): string {
    for (;;) {
      const id = pad(this.rng.int(10_000_000, 399_999_999), 9);
      if (!this.usedOld.has(id)) {
        this.usedOld.add(id);
        return id;
      }
    }
  }

  person(over: { family?: string; year?: number; date?: string; commune?: string; gender?: Gender } = {}): Person {
    const rng = this.rng;
    const gender = over.gender ?? (rng.chance(0.5) ? 'male' : 'female');
    const year = over.year ?? rng.int(1935, 2010);
    const date = over.date ?? `${year}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`;
    const commune = over.commune ?? rng.pick(this.communes);
    const p: Person = {
      personalId: this.personalId(rng.pick(PROVINCES), gender, year),
      fullName: `${over.family ?? pickFamily(rng)} ${givenName(rng, gender)}`,
      dateOfBirth: rng.chance(YEAR_ONLY_RATE) && !over.date ? String(year) : date,
      gender,
      communeCode: commune,
    };
    if (year < 2005 && rng.chance(OLD_ID_RATE)) p.oldIdNumber = this.oldId();
    return p;
  }

  /** A household: a parent and a child, or twins (same birth date, same family). */
  household(): Person[] {
    const rng = this.rng;
    const first = this.person();
    const family = first.fullName.split(' ')[0]!;
    if (rng.chance(TWIN_RATE * 2)) {
      const gender = rng.chance(0.5) ? 'male' : 'female';
      const year = Number(first.dateOfBirth.slice(0, 4));
      const date = first.dateOfBirth.length === 10 ? first.dateOfBirth : `${year}-06-15`;
      const a = this.person({ family, year, date, commune: first.communeCode, gender });
      const b = this.person({ family, year, date, commune: first.communeCode, gender });
      // Parents do not give twins the same given name.
      const given = (name: string) => name.slice(name.lastIndexOf(' ') + 1);
      while (given(b.fullName) === given(a.fullName)) {
        b.fullName = `${family} ${givenName(rng, gender)}`;
      }
      // Twins registered one after the other: often consecutive ID numbers.
      const next = a.personalId.slice(0, 6) + pad((Number(a.personalId.slice(6)) + 1) % 1_000_000, 6);
      if (rng.chance(0.5) && this.claim(next)) b.personalId = next;
      a.relative = 1;
      b.relative = 0;
      return [a, b];
    }
    const childYear = Number(first.dateOfBirth.slice(0, 4)) + rng.int(20, 35);
    if (childYear > 2010 || rng.chance(0.5)) return [first];
    const child = this.person({ family, year: childYear, commune: first.communeCode });
    first.relative = 1;
    child.relative = 0;
    return [first, child];
  }
}
