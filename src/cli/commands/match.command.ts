import type { Command } from 'commander';
import type { RecordFormat } from '../../lib/io/index.js';
import type { RegisterCommand } from './register-command.js';
import { runMatch } from './match/run-match.js';
import { formatSummary } from './match/summary.js';

/** `vaxverify match`: verify dose records against a population file, offline. */
export const registerMatch: RegisterCommand = (program: Command) => {
  program
    .command('match')
    .description('Match dose records against the population registry (CSV or NDJSON by extension; - for stdin/stdout)')
    .requiredOption('--population <file>', 'citizens: personalId, fullName, dateOfBirth, gender, communeCode[, oldIdNumber]')
    .requiredOption('--records <file>', 'dose records as entered: recordId, fullName, dateOfBirth, gender, idNumber, nationality, communeCode')
    .requiredOption('--out <file>', 'one result per record: recordId, outcome, personalId, score, corrections, candidates, reason')
    .option('--format <format>', 'format for - (stdin/stdout): ndjson or csv', 'ndjson')
    .action(async (opts: { population: string; records: string; out: string; format: string }) => {
      if (opts.format !== 'ndjson' && opts.format !== 'csv') throw new Error('--format must be ndjson or csv');
      const summary = await runMatch({ ...opts, format: opts.format as RecordFormat });
      process.stderr.write(`${formatSummary(summary)}\n`);
      if (summary.recordsMalformed + summary.populationMalformed > 0) process.exitCode = 2;
    });
};
