import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseEnv } from '../../config/index.js';
import { connectDb } from '../../db/connect.js';
import { parseContactsCsv } from '../../deadlines/contacts-csv.js';
import { upsertContacts } from '../../deadlines/contacts.service.js';
import type { RegisterCommand } from './register-command.js';

/** `vaxverify contacts import FILE`: who answers for each locality and level (reminders, escalations). */
export const registerContacts: RegisterCommand = (program: Command) => {
  const cmd = program.command('contacts').description('Officials who receive reminders and escalations');
  cmd
    .command('import')
    .argument('<file>', 'CSV with localityCode,level,role,name,webhookUrl,email (ministry: localityCode VN)')
    .description('Upsert contacts on (localityCode, level, role); bad rows are reported by line and skipped')
    .action(async (file: string) => {
      const { contacts, rejects } = parseContactsCsv(await readFile(file, 'utf8'));
      for (const r of rejects) process.stderr.write(`line ${r.line}: ${r.message}\n`);
      const config = parseEnv();
      const db = await connectDb(config.MONGO_URL, { poolSize: config.MONGO_POOL_SIZE });
      try {
        const counts = await upsertContacts(db.store, contacts);
        process.stdout.write(`contacts: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged; ${rejects.length} rejected\n`);
      } finally {
        await db.close();
      }
      if (rejects.length > 0) process.exitCode = 2;
    });
};
