import type { Command } from 'commander';
import { DEFAULT_ADMIN_UNITS_FILE, loadAdminUnits } from '../../imports/admin-units.loader.js';
import { upsertLocalities } from '../../imports/localities.import.js';
import { withDb } from '../with-db.js';
import type { RegisterCommand } from './register-command.js';

/** `vaxverify localities import [FILE]`: load the administrative unit list into `localities`. */
export const registerLocalities: RegisterCommand = (program: Command) => {
  const cmd = program.command('localities').description('Administrative units (provinces, districts, communes)');
  cmd
    .command('import')
    .argument('[file]', 'CSV with code,name,type,level,parent_code', DEFAULT_ADMIN_UNITS_FILE)
    .description('Upsert the unit list into the localities collection (idempotent)')
    .action(async (file: string) => {
      const { units, problems, rejects } = await loadAdminUnits(file);
      for (const r of rejects) process.stderr.write(`line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}\n`);
      for (const p of problems) process.stderr.write(`unit ${p.code}: ${p.reason}\n`);
      const counts = await withDb((db) => upsertLocalities(db.store, units.values()));
      const byLevel = { province: 0, district: 0, commune: 0 };
      for (const u of units.values()) byLevel[u.level]++;
      process.stdout.write(
        `localities: ${byLevel.province} provinces, ${byLevel.district} districts, ${byLevel.commune} communes; ` +
          `${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged; ` +
          `${rejects.length + problems.length} rejected\n`,
      );
      if (rejects.length + problems.length > 0) process.exitCode = 2;
    });
};
