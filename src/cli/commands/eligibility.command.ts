import type { Command } from 'commander';
import { backfillEligibilityProjection } from '../../db/repositories/record-state.repository.js';
import { withDb } from '../with-db.js';
import type { RegisterCommand } from './register-command.js';

/**
 * `vaxverify eligibility backfill [--batch N]`: the per-citizen projection eligibility answers
 * from, rebuilt from the store for records verified before it existed. Idempotent: run it again
 * and it finds nothing to do; safe while workers run (a chunk's own write wins).
 */
export const registerEligibility: RegisterCommand = (program: Command) => {
  const cmd = program.command('eligibility').description('Passport eligibility (the per-citizen projection)');
  cmd
    .command('backfill')
    .option('--batch <n>', 'states read and written per step', '1000')
    .description('Write the projection of records verified before it existed (idempotent)')
    .action(async (o: { batch: string }) => {
      const batch = Number(o.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new Error('--batch: a whole number from 1 to 10000');
      const r = await withDb((db) => backfillEligibilityProjection(db.store, { batch }));
      process.stdout.write(`eligibility backfill: ${r.scanned} states without the projection, ${r.written} written, ${r.noRecord} whose dose record is gone\n`);
    });
};
