import type { Citizen, Gender } from '../records.js';
import { newCitizenId, newOldId } from './ids.js';
import { makeFullName, pickFamilyName, type NameLists } from './names.js';
import type { NumberSet } from './number-set.js';
import { weightedPicker, type Rng } from './prng.js';

export interface SynthCommune {
  code: string;
  provinceCode: string;
}

/** A registry citizen plus what the dose generator needs to know about them. */
export interface Person extends Citizen {
  birthYear: number;
  /** The true full date, even when the registry holds only the year. */
  trueDob: { year: number; month: number; day: number };
  precision: 'year' | 'month' | 'day';
  household: number;
}

export interface PopulationState {
  citizenIds: NumberSet;
  oldIds: NumberSet;
  households: number;
}

/** Heads of household by birth decade: the 2019 census age pyramid, coarsely. */
const pickHeadYear = weightedPicker<readonly [number, number]>([
  [[1930, 1944], 4], [[1945, 1959], 14], [[1960, 1974], 30], [[1975, 1989], 37], [[1990, 2000], 15],
]);
const pickChildren = weightedPicker([[0, 15], [1, 28], [2, 37], [3, 16], [4, 4]] as const);

const pad2 = (n: number) => String(n).padStart(2, '0');

function birthDate(rng: Rng, year: number): Person['trueDob'] {
  const month = rng.range(1, 12);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: rng.range(1, days) };
}

/** Older registrations often hold only the year (people born at home, records rebuilt later). */
function registryPrecision(rng: Rng, year: number): Person['precision'] {
  const yearOnly = year < 1960 ? 0.45 : year < 1975 ? 0.12 : 0.01;
  if (rng.chance(yearOnly)) return 'year';
  if (year < 1975 && rng.chance(0.02)) return 'month';
  return 'day';
}

function formatRegistryDob(d: Person['trueDob'], p: Person['precision']): string {
  if (p === 'year') return String(d.year);
  if (p === 'month') return `${d.year}-${pad2(d.month)}`;
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

function makePerson(
  rng: Rng, names: NameLists, state: PopulationState, commune: SynthCommune,
  family: string, gender: Gender, year: number,
): Person {
  const trueDob = birthDate(rng, year);
  const precision = registryPrecision(rng, year);
  const person: Person = {
    personalId: newCitizenId(rng, state.citizenIds, commune.provinceCode, gender, year),
    fullName: makeFullName(rng, names, family, gender, year),
    dateOfBirth: formatRegistryDob(trueDob, precision),
    gender,
    communeCode: commune.code,
    birthYear: year,
    trueDob,
    precision,
    household: state.households,
  };
  // The 9-digit card was replaced from 2016 on; many older people still have one on file.
  const oldIdShare = year < 1980 ? 0.6 : year < 1995 ? 0.35 : 0;
  if (rng.chance(oldIdShare)) person.oldIdNumber = newOldId(rng, state.oldIds);
  return person;
}

/**
 * One household of 1–7 people living in one commune: a head, often a spouse (who keeps her or
 * his own family name), children with the father's family name, sometimes a grandparent.
 */
export function makeHousehold(rng: Rng, names: NameLists, state: PopulationState, communes: readonly SynthCommune[]): Person[] {
  state.households++;
  const commune = rng.pick(communes);
  const [from, to] = pickHeadYear(rng);
  const headYear = rng.range(from, to);
  const headGender: Gender = rng.chance(0.78) ? 'male' : 'female';
  const headFamily = pickFamilyName(rng);
  const members = [makePerson(rng, names, state, commune, headFamily, headGender, headYear)];
  let fatherFamily = headGender === 'male' ? headFamily : undefined;
  if (rng.chance(0.75)) {
    const spouseGender: Gender = headGender === 'male' ? 'female' : 'male';
    const spouseFamily = pickFamilyName(rng);
    if (spouseGender === 'male') fatherFamily = spouseFamily;
    const year = Math.min(2003, headYear + rng.range(-6, 6));
    members.push(makePerson(rng, names, state, commune, spouseFamily, spouseGender, year));
  }
  const childFamily = fatherFamily ?? headFamily;
  const children = pickChildren(rng);
  for (let i = 0; i < children; i++) {
    const year = headYear + rng.range(20, 38);
    if (year > 2021) break;
    members.push(makePerson(rng, names, state, commune, childFamily, rng.chance(0.51) ? 'male' : 'female', year));
  }
  if (headYear >= 1955 && rng.chance(0.15)) {
    const gender: Gender = rng.chance(0.4) ? 'male' : 'female';
    const family = gender === 'male' && headGender === 'male' ? headFamily : pickFamilyName(rng);
    members.push(makePerson(rng, names, state, commune, family, gender, Math.max(1920, headYear - rng.range(22, 32))));
  }
  return members;
}

/** The registry record of a person (what population.ndjson holds). */
export function toCitizen(p: Person): Citizen {
  const c: Citizen = {
    personalId: p.personalId,
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth,
    gender: p.gender,
    communeCode: p.communeCode,
  };
  if (p.oldIdNumber) c.oldIdNumber = p.oldIdNumber;
  return c;
}

/**
 * Someone else with the same full name, sex and birth date (as the registry holds it), in
 * the same commune 3 times in 10, else anywhere: a household of one.
 */
export function makeNamesake(rng: Rng, state: PopulationState, communes: readonly SynthCommune[], original: Person): Person {
  state.households++;
  const same = communes.find((c) => c.code === original.communeCode);
  const commune = same && rng.chance(0.3) ? same : rng.pick(communes);
  const person: Person = {
    ...original,
    personalId: newCitizenId(rng, state.citizenIds, commune.provinceCode, original.gender, original.birthYear),
    communeCode: commune.code,
    household: state.households,
  };
  delete person.oldIdNumber;
  if (original.oldIdNumber) person.oldIdNumber = newOldId(rng, state.oldIds);
  return person;
}
