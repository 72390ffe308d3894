import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { importFacilities } from '../../facilities/facilities.service.js';
import { withDb } from '../with-db.js';
import type { RegisterCommand } from './register-command.js';

/** `vaxverify facilities import FILE`: the facility register (sites, their commune and head), like the administrative units. */
export const registerFacilities: RegisterCommand = (program: Command) => {
  const cmd = program.command('facilities').description('The facility register (vaccination sites and their heads)');
  cmd
    .command('import')
    .argument('<file>', 'CSV: Mã cơ sở,Tên cơ sở,Mã xã,Họ tên người đứng đầu,Chức vụ người đứng đầu,Số điện thoại người đứng đầu')
    .description('Upsert sites on their facility ID and their heads as commune contacts; bad rows are reported by line in Vietnamese and skipped')
    .action(async (file: string) => {
      const csv = await readFile(file, 'utf8');
      const r = await withDb((db) => importFacilities(db.store, csv));
      for (const x of r.rejects) process.stderr.write(`${x.message}\n`);
      if (r.rejected > r.rejects.length) process.stderr.write(`… ${r.rejected - r.rejects.length} dòng lỗi khác\n`);
      process.stdout.write(`facilities: ${r.rows} rows; ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged; ${r.heads} heads as contacts; ${r.rejected} rejected\n`);
      if (r.rejected > 0) process.exitCode = 2;
    });
};
