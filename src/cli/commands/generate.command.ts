import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { communesOf } from '../../domain/admin-units/index.js';
import { createSynth, parseNameList, type SynthRates } from '../../domain/synth/index.js';
import { DEFAULT_ADMIN_UNITS_FILE, loadAdminUnits } from '../../imports/admin-units.loader.js';
import { createRecordWriter } from '../../lib/io/index.js';
import { dataFile } from '../../lib/paths.js';
import type { RegisterCommand } from './register-command.js';

const CITIZEN_COLUMNS = ['personalId', 'fullName', 'dateOfBirth', 'gender', 'communeCode', 'oldIdNumber'];
const DOSE_COLUMNS = [
  'recordId', 'fullName', 'dateOfBirth', 'gender', 'idNumber', 'nationality', 'communeCode', 'vaccine', 'doseNumber', 'vaccinatedAt', 'facilityId',
];

const positiveInt = (v: string) => {
  const n = Number(v.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
};
const rate = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('a rate between 0 and 1');
  return n;
};

interface GenerateOptions {
  people: number;
  communes?: string;
  province?: string;
  seed: string;
  out: string;
  format: 'ndjson' | 'csv';
  adminUnits: string;
  errorRate?: number;
  neverEnteredRate?: number;
  foreignerRate?: number;
  notInRegistryRate?: number;
}

/** `vaxverify generate`: a synthetic population, its dose records and the ground truth. */
export const registerGenerate: RegisterCommand = (program: Command) => {
  program
    .command('generate')
    .description('Generate a synthetic campaign: population, dose records with injected errors, ground truth')
    .requiredOption('--people <n>', 'registry size', positiveInt)
    .option('--communes <codes>', 'comma-separated 5-digit commune codes')
    .option('--province <code>', 'every commune of this 2-digit province')
    .option('--seed <seed>', 'same seed, same output', '1')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <format>', 'ndjson or csv (truth.ndjson is always NDJSON)', 'ndjson')
    .option('--admin-units <file>', 'administrative unit list', DEFAULT_ADMIN_UNITS_FILE)
    .option('--error-rate <rate>', 'share of entered doses with a wrong ID, birth date or name (0.21)', rate)
    .option('--never-entered-rate <rate>', 'share of doses never entered (0.036)', rate)
    .option('--foreigner-rate <rate>', 'share of records of foreigners with passports (0.005)', rate)
    .option('--not-in-registry-rate <rate>', 'share of records of people the registry does not hold (0.002)', rate)
    .action(async (o: GenerateOptions) => {
      if (o.format !== 'ndjson' && o.format !== 'csv') throw new Error('--format must be ndjson or csv');
      const { units } = await loadAdminUnits(o.adminUnits);
      const communes = communesOf(units, {
        communes: o.communes?.split(',').map((c) => c.trim()).filter(Boolean),
        province: o.province,
      });
      const names = {
        male: parseNameList(await readFile(dataFile('vn-given-names-male.txt'), 'utf8')),
        female: parseNameList(await readFile(dataFile('vn-given-names-female.txt'), 'utf8')),
      };
      const rates: Partial<SynthRates> = {};
      if (o.errorRate !== undefined) rates.identityError = o.errorRate;
      if (o.neverEnteredRate !== undefined) rates.neverEntered = o.neverEnteredRate;
      if (o.foreignerRate !== undefined) rates.foreigner = o.foreignerRate;
      if (o.notInRegistryRate !== undefined) rates.notInRegistry = o.notInRegistryRate;
      const synth = createSynth({ people: o.people, seed: o.seed, communes, names, rates });

      await mkdir(o.out, { recursive: true });
      const population = createRecordWriter(join(o.out, `population.${o.format}`), o.format, { columns: CITIZEN_COLUMNS });
      const doses = createRecordWriter(join(o.out, `doses.${o.format}`), o.format, { columns: DOSE_COLUMNS });
      const truth = createRecordWriter(join(o.out, 'truth.ndjson'), 'ndjson');
      for (const batch of synth.batches()) {
        for (const c of batch.citizens) await population.write(c);
        for (const d of batch.doses) await doses.write(d);
        for (const t of batch.truths) await truth.write(t);
      }
      await Promise.all([population.close(), doses.close(), truth.close()]);
      const s = synth.summary;
      await writeFile(join(o.out, 'summary.json'), JSON.stringify({ ...s, communes: communes.length }, null, 2) + '\n');
      process.stdout.write(
        `generated ${s.people} people in ${s.households} households across ${communes.length} communes; ` +
          `${s.dosesEntered} dose records (${s.recordsWithIdentityErrors} with identity errors), ` +
          `${s.dosesNeverEntered} doses never entered → ${o.out}\n`,
      );
    });
};
