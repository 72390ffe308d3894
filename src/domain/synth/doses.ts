import type { DoseRecordInput, Gender } from '../records.js';
import type { Person } from './population.js';
import { weightedPicker, type Rng } from './prng.js';
import { SITES_PER_COMMUNE, facilityIdOf } from './facilities.js';

const pickDoseCount = weightedPicker([[1, 10], [2, 40], [3, 38], [4, 12]] as const);
const pickPrimaryVaccine = weightedPicker([
  ['AstraZeneca', 40], ['Pfizer-BioNTech', 25], ['Sinopharm (Vero Cell)', 20], ['Moderna', 10], ['Sputnik V', 3], ['Abdala', 2],
] as const);
const pickBoosterVaccine = weightedPicker([['Pfizer-BioNTech', 50], ['Moderna', 30], ['AstraZeneca', 20]] as const);

const DAY = 86_400_000;
const CAMPAIGN_START = Date.UTC(2021, 2, 8); // first doses in Viet Nam: 8 March 2021
const CAMPAIGN_END = Date.UTC(2022, 11, 31);

export interface PlannedDose {
  doseNumber: number;
  vaccine: string;
  vaccinatedAt: string;
  facilityId: string;
}

/** 1–4 doses for a person born in 2016 or earlier, in 2021–2022, at a site of their commune. */
export function planDoses(rng: Rng, p: Person): PlannedDose[] {
  if (p.birthYear > 2016) return [];
  const n = pickDoseCount(rng);
  const primary = pickPrimaryVaccine(rng);
  const out: PlannedDose[] = [];
  // Children were vaccinated from 2022 on; adults from March 2021.
  let t = (p.birthYear > 2009 ? Date.UTC(2022, 3, 1) : CAMPAIGN_START) + rng.int(270) * DAY;
  for (let i = 1; i <= n && t <= CAMPAIGN_END; i++) {
    out.push({
      doseNumber: i,
      vaccine: i <= 2 ? primary : pickBoosterVaccine(rng),
      vaccinatedAt: new Date(t).toISOString().slice(0, 10),
      facilityId: facilityIdOf(p.communeCode, rng.range(1, SITES_PER_COMMUNE)),
    });
    t += (i === 1 ? rng.range(28, 84) : rng.range(90, 180)) * DAY;
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** How a site writes a correct gender: mostly `Nam`/`Nữ`, sometimes English or one letter. */
export function enteredGender(rng: Rng, g: Gender): string {
  const x = rng.next();
  if (x < 0.8) return g === 'male' ? 'Nam' : 'Nữ';
  if (x < 0.9) return g;
  return g === 'male' ? 'M' : 'F';
}

/** A correct birth date as typed: ISO or `dd/mm/yyyy`; year-only registry dates as `yyyy` or `01/01/yyyy`. */
export function enteredDob(rng: Rng, p: Person): string {
  const d = p.trueDob;
  if (p.precision === 'year') return rng.chance(0.7) ? String(d.year) : `01/01/${d.year}`;
  if (p.precision === 'month') return `${pad2(d.month)}/${d.year}`;
  return rng.chance(0.6) ? p.dateOfBirth : `${pad2(d.day)}/${pad2(d.month)}/${d.year}`;
}

export function enteredNationality(rng: Rng): string {
  const x = rng.next();
  return x < 0.6 ? 'VN' : x < 0.85 ? 'Việt Nam' : x < 0.9 ? 'VNM' : '';
}

/** The record exactly as a careful site would enter it (errors are injected afterwards). */
export function correctEntry(rng: Rng, p: Person, dose: PlannedDose, recordId: string): DoseRecordInput {
  return {
    recordId,
    fullName: p.fullName,
    dateOfBirth: enteredDob(rng, p),
    gender: enteredGender(rng, p.gender),
    idNumber: p.personalId,
    nationality: enteredNationality(rng),
    communeCode: p.communeCode,
    vaccine: dose.vaccine,
    doseNumber: dose.doseNumber,
    vaccinatedAt: dose.vaccinatedAt,
    facilityId: dose.facilityId,
  };
}
