/**
 * Built-in labeled fixtures for `npm run eval:match` until `vaxverify generate` exists:
 * writes population.ndjson, doses.ndjson and truth.ndjson (the same three files).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Citizen } from '../../src/domain/records.js';
import { dosesFor, foreignDose, type Labeled } from './doses.js';
import { PeopleFactory, type Person } from './people.js';
import { Rng } from './rng.js';

export interface FixtureOptions {
  people: number;
  seed: number;
  dir: string;
}

/** People in the population file who have doses entered but no registry entry (not_found). */
const MISSING_FROM_REGISTRY = 0.005;
/** Doses given to foreign nationals identified by passport (exempt). */
const FOREIGN_RATE = 0.01;
/** Doses entered without a name (invalid). */
const NO_NAME_RATE = 0.002;
/** People per commune: a few hundred, like a rural commune's adults in one age band. */
const PEOPLE_PER_COMMUNE = 400;

async function write(stream: WriteStream, value: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
}

function citizen(p: Person): Citizen {
  const { relative: _relative, ...rest } = p;
  return rest;
}

export async function generateFixtures(opts: FixtureOptions): Promise<void> {
  mkdirSync(opts.dir, { recursive: true });
  const rng = new Rng(opts.seed);
  const communes = Array.from({ length: Math.max(5, Math.ceil(opts.people / PEOPLE_PER_COMMUNE)) }, () =>
    String(rng.int(10_000, 32_000)),
  );
  const factory = new PeopleFactory(rng, communes);
  const people: Person[] = [];
  while (people.length < opts.people) {
    const household = factory.household();
    const base = people.length;
    for (const member of household) {
      if (member.relative !== undefined) member.relative += base;
      people.push(member);
    }
  }
  const population = createWriteStream(join(opts.dir, 'population.ndjson'));
  const doses = createWriteStream(join(opts.dir, 'doses.ndjson'));
  const truth = createWriteStream(join(opts.dir, 'truth.ndjson'));
  let n = 0;
  const nextId = () => `D${String(++n).padStart(9, '0')}`;
  const emit = async ({ dose, truth: t }: Labeled) => {
    await write(doses, dose);
    await write(truth, t);
  };
  for (const p of people) {
    const inRegistry = !rng.chance(MISSING_FROM_REGISTRY);
    if (inRegistry) await write(population, citizen(p));
    for (const labeled of dosesFor(rng, p, people, inRegistry, nextId)) {
      if (rng.chance(NO_NAME_RATE)) {
        labeled.dose.fullName = '';
        labeled.truth = { recordId: labeled.dose.recordId, expectedOutcome: 'invalid', errors: ['no_name'] };
      }
      await emit(labeled);
      if (rng.chance(FOREIGN_RATE)) await emit(foreignDose(rng, nextId()));
    }
  }
  for (const s of [population, doses, truth]) {
    s.end();
    await once(s, 'finish');
  }
}
