import type { DoseRecordInput, GroundTruth } from '../records.js';
import { newPassport } from './ids.js';
import { planDoses } from './doses.js';
import type { Person } from './population.js';
import type { Rng } from './prng.js';

const FOREIGN: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ['KR', ['KIM', 'LEE', 'PARK', 'CHOI'], ['MIN JUN', 'SEO YEON', 'JI HOON', 'HA EUN']],
  ['CN', ['WANG', 'LI', 'ZHANG', 'LIU'], ['WEI', 'FANG', 'LEI', 'JING']],
  ['JP', ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA'], ['HARUTO', 'YUI', 'SOTA', 'AOI']],
  ['US', ['SMITH', 'JOHNSON', 'BROWN', 'MILLER'], ['JOHN', 'MARY', 'MICHAEL', 'SARAH']],
  ['FR', ['MARTIN', 'BERNARD', 'DUBOIS', 'MOREAU'], ['LUCAS', 'CHLOE', 'HUGO', 'LEA']],
  ['TW', ['CHEN', 'LIN', 'HUANG', 'WU'], ['YI TING', 'CHIA HAO', 'PEI SHAN', 'CHUN']],
];

/**
 * Dose records of a foreign resident vaccinated with a passport number: not in the registry,
 * expected `exempt`.
 */
export function foreignerRecords(rng: Rng, commune: string, nextId: () => string): { doses: DoseRecordInput[]; truths: GroundTruth[] } {
  const [nationality, families, givens] = rng.pick(FOREIGN);
  const gender = rng.chance(0.5) ? 'male' : 'female';
  const year = rng.range(1950, 2000);
  const dob = `${year}-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 28)).padStart(2, '0')}`;
  const fake = { birthYear: year, communeCode: commune } as Person;
  const fullName = nationality === 'US' || nationality === 'FR' ? `${rng.pick(givens)} ${rng.pick(families)}` : `${rng.pick(families)} ${rng.pick(givens)}`;
  const passport = newPassport(rng);
  const doses: DoseRecordInput[] = [];
  const truths: GroundTruth[] = [];
  for (const d of planDoses(rng, fake)) {
    const recordId = nextId();
    doses.push({
      recordId, fullName, dateOfBirth: dob, gender: gender === 'male' ? 'Nam' : 'Nữ', idNumber: passport, nationality,
      communeCode: commune, vaccine: d.vaccine, doseNumber: d.doseNumber, vaccinatedAt: d.vaccinatedAt, facilityId: d.facilityId,
    });
    truths.push({ recordId, expectedOutcome: 'exempt', errors: [] });
  }
  return { doses, truths };
}
