import type { Citizen, DoseRecordInput, GroundTruth, Outcome } from '../records.js';
import { correctEntry, planDoses } from './doses.js';
import {
  DOB_EXCEL_SERIAL, TONE_STYLE, assess, excelSerial, injectIdentityErrors, injectMissingGender, injectNoIdWithSecond, type ErrorKind,
} from './entry-errors.js';
import { foreignerRecords } from './foreigners.js';
import { swapToneStyle, type NameLists } from './names.js';
import { NumberSet } from './number-set.js';
import { makeHousehold, makeNamesake, toCitizen, type Person, type PopulationState, type SynthCommune } from './population.js';
import { createRng, type Rng } from './prng.js';

/** Defaults calibrated to the 2021–2022 campaign figures quoted in issue 4. */
export const DEFAULT_RATES = {
  /** Entered doses with a wrong ID number, birth date or name. */
  identityError: 0.21,
  /** Entered doses with the gender left empty (on top of the identity errors). */
  missingGender: 0.015,
  /** Of the names that have two tone placements (`Hoà`/`Hòa`), those typed the other way: not an error. */
  toneStyle: 0.3,
  /** Doses given but never entered: counted in summary.json, not written. */
  neverEntered: 0.036,
  /** Dose records of foreigners with passport numbers (expected `exempt`). */
  foreigner: 0.005,
  /** Dose records of people missing from the registry (expected `not_found`); `--not-in-registry-rate` raises it. */
  notInRegistry: 0.002,
  /**
   * Records otherwise correct typed with no ID number and one more error (issue 19: placeholder
   * or year-only birth date, misspelt name, day/month swapped, wrong sex; `NO_ID_SECOND_WEIGHTS`),
   * on top of the combinations the identity errors draw.
   */
  noIdSecondError: 0.004,
  /** Of the correct full birth dates, those exported as a spreadsheet day number (`32813`): not an error. */
  excelSerialDob: 0.004,
  /**
   * Households where one member has a namesake elsewhere in the registry (same full name, sex
   * and birth date; in the same commune 3 times in 10): about 3% of people have one (more than a province has, so that the eval measures them). Their
   * records without a usable ID number are expected `review` (error kind `namesake`).
   */
  namesake: 0.05,
};
export type SynthRates = typeof DEFAULT_RATES;

export interface SynthOptions {
  people: number;
  seed: string | number;
  communes: readonly SynthCommune[];
  names: NameLists;
  rates?: Partial<SynthRates>;
}

/** What one household adds to the three output files. */
export interface SynthBatch {
  citizens: Citizen[];
  doses: DoseRecordInput[];
  truths: GroundTruth[];
}

export interface SynthSummary {
  seed: string;
  rates: SynthRates;
  people: number;
  households: number;
  dosesGiven: number;
  dosesEntered: number;
  dosesNeverEntered: number;
  recordsWithIdentityErrors: number;
  errorKinds: Record<string, number>;
  outcomes: Partial<Record<Outcome, number>>;
}

/**
 * A synthetic campaign, household by household, so a million people stream in constant memory
 * (only the used ID numbers are kept, in typed arrays). The same options give the same output.
 */
export function createSynth(opts: SynthOptions): { batches: () => Generator<SynthBatch>; summary: SynthSummary } {
  if (opts.communes.length === 0) throw new Error('no communes to place people in');
  if (opts.names.male.length === 0 || opts.names.female.length === 0) throw new Error('the given-name lists are empty');
  const rates = { ...DEFAULT_RATES, ...opts.rates };
  const summary: SynthSummary = {
    seed: String(opts.seed), rates, people: 0, households: 0, dosesGiven: 0, dosesEntered: 0, dosesNeverEntered: 0,
    recordsWithIdentityErrors: 0, errorKinds: {}, outcomes: {},
  };
  const rng = createRng(opts.seed);
  const state: PopulationState = { citizenIds: new NumberSet(), oldIds: new NumberSet(), households: 0 };
  let seq = 0;
  const nextId = () => `R${String(++seq).padStart(10, '0')}`;
  const count = (t: GroundTruth) => {
    summary.outcomes[t.expectedOutcome] = (summary.outcomes[t.expectedOutcome] ?? 0) + 1;
    for (const k of t.errors) summary.errorKinds[k] = (summary.errorKinds[k] ?? 0) + 1;
  };

  function* batches(): Generator<SynthBatch> {
    while (summary.people < opts.people) {
      const members = makeHousehold(rng, opts.names, state, opts.communes).slice(0, opts.people - summary.people);
      summary.households++;
      const namesakes = new Map<Person, Person>();
      const adults = members.filter((m) => m.birthYear <= 2003);
      if (adults.length > 0 && members.length < opts.people - summary.people && rng.chance(rates.namesake)) {
        const original = rng.pick(adults);
        const copy = makeNamesake(rng, state, opts.communes, original);
        namesakes.set(original, copy).set(copy, original);
        summary.households++;
      }
      const everyone = [...members, ...namesakes.keys()].filter((m, i, all) => all.indexOf(m) === i);
      summary.people += everyone.length;
      const batch: SynthBatch = { citizens: everyone.map(toCitizen), doses: [], truths: [] };
      for (const person of everyone) {
        const relatives = person.household === members[0]!.household ? members.filter((m) => m !== person) : [];
        for (const dose of planDoses(rng, person)) {
          summary.dosesGiven++;
          if (rng.chance(rates.neverEntered)) {
            summary.dosesNeverEntered++;
            continue;
          }
          const rec = correctEntry(rng, person, dose, nextId());
          const truth = entryTruth(rng, rates, rec, person, relatives, namesakes.has(person));
          if (truth.errors.some((e) => !NOT_ERRORS.has(e))) summary.recordsWithIdentityErrors++;
          batch.doses.push(rec);
          batch.truths.push(truth);
        }
      }
      const extra = rates.notInRegistry + rates.foreigner;
      if (batch.doses.length > 0 && rng.chance(Math.min(1, (extra * batch.doses.length) / 2.5))) {
        const commune = members[0]!.communeCode;
        const more = rng.chance(rates.foreigner / extra)
          ? foreignerRecords(rng, commune, nextId)
          : unregistered(rng, opts, state, nextId, members[0]!);
        summary.dosesGiven += more.doses.length; // entered as given: these are never dropped
        batch.doses.push(...more.doses);
        batch.truths.push(...more.truths);
      }
      summary.dosesEntered += batch.doses.length;
      batch.truths.forEach(count);
      yield batch;
    }
  }
  return { batches, summary };
}

/** Labels that are no identity error (the record needs no correction for them). */
const NOT_ERRORS = new Set<string>([TONE_STYLE, DOB_EXCEL_SERIAL, 'gender_missing']);

/** Kinds that leave no usable ID number: only the name and birth date are left to tell people apart. */
const ID_LOST = new Set<string>(['id_missing', 'id_relative', 'id_two_typos']);
const NAME_CHANGED = new Set<string>(['name_misspelled', 'name_keyboard_slip', 'name_middle_dropped', 'name_middle_added']);
const DATE_CHANGED = new Set<string>(['dob_swapped_day_month', 'dob_year_only', 'dob_placeholder_0101', 'dob_month_year']);

/**
 * A record of someone with a registry namesake that fits both equally: no usable ID, and the
 * name and birth date still point at the pair (not a wrong birth year, not both a changed
 * name and a changed date, which leave too little to find either of them).
 */
export function fitsNamesakesEqually(errors: readonly string[]): boolean {
  if (!errors.some((e) => ID_LOST.has(e)) || errors.includes('dob_wrong_year')) return false;
  return !(errors.some((e) => NAME_CHANGED.has(e)) && errors.some((e) => DATE_CHANGED.has(e)));
}

/** Marks a record that fits its person and a registry namesake equally. */
export const NAMESAKE = 'namesake';

function entryTruth(
  rng: Rng, rates: SynthRates, rec: DoseRecordInput, person: Person, relatives: Person[], hasNamesake: boolean,
): GroundTruth {
  let kinds: ErrorKind[] = rng.chance(rates.identityError) ? injectIdentityErrors(rng, rec, { person, relatives }) : [];
  if (kinds.length === 0 && rng.chance(rates.noIdSecondError)) kinds = injectNoIdWithSecond(rng, rec, { person, relatives });
  // A sex left empty replaces a wrong one: the record then only lacks it.
  if (rng.chance(rates.missingGender)) {
    const wrong = kinds.indexOf('gender_wrong');
    if (wrong >= 0) kinds.splice(wrong, 1);
    kinds.push(injectMissingGender(rng, rec, { person, relatives }));
  }
  const errors: string[] = [...kinds];
  if (rec.fullName === person.fullName && rng.chance(rates.toneStyle)) {
    const swapped = swapToneStyle(person.fullName);
    if (swapped) {
      rec.fullName = swapped;
      errors.push(TONE_STYLE);
    }
  }
  // A right full date sometimes leaves a spreadsheet as its day number.
  if (person.precision === 'day' && !kinds.some((k) => k.startsWith('dob_')) && rng.chance(rates.excelSerialDob)) {
    rec.dateOfBirth = String(excelSerial(person.trueDob));
    errors.push(DOB_EXCEL_SERIAL);
  }
  const truth: GroundTruth = { recordId: rec.recordId, personalId: person.personalId, expectedOutcome: 'verified', errors };
  if (hasNamesake && fitsNamesakesEqually(kinds)) {
    errors.push(NAMESAKE);
    truth.expectedOutcome = 'review';
    return truth;
  }
  // A missing sex alone is no reason to correct a record (the matcher leaves it `verified`).
  if (kinds.length === 0 || (kinds.length === 1 && kinds[0] === 'gender_missing')) return truth;
  const a = assess(kinds, person);
  truth.expectedOutcome = a.ambiguous ? 'review' : 'corrected';
  truth.expectedCorrections = a.corrections;
  return truth;
}

/**
 * Doses of someone missing from the registry (moved in, never registered): `not_found`. Four
 * in ten live with a registered household (its family name and commune: the near neighbours
 * a matcher must not take for them); a quarter of the records carry no ID number.
 */
function unregistered(
  rng: Rng, opts: SynthOptions, state: PopulationState, nextId: () => string, household: Person,
): Omit<SynthBatch, 'citizens'> {
  const ghost = makeHousehold(rng, opts.names, state, opts.communes)[0]!;
  if (rng.chance(0.4)) {
    const words = ghost.fullName.split(' ');
    words[0] = household.fullName.split(' ')[0]!;
    ghost.fullName = words.join(' ');
    ghost.communeCode = household.communeCode;
  }
  const noId = rng.chance(0.25);
  const doses: DoseRecordInput[] = [];
  const truths: GroundTruth[] = [];
  for (const dose of planDoses(rng, ghost)) {
    const rec = correctEntry(rng, ghost, dose, nextId());
    if (noId) rec.idNumber = '';
    doses.push(rec);
    truths.push({ recordId: doses.at(-1)!.recordId, expectedOutcome: 'not_found', errors: ['not_in_registry'] });
  }
  return { doses, truths };
}
