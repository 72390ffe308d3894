import { InvalidArgumentError, type Command } from 'commander';
import { IMPORT_KINDS, type ImportKind } from '../../imports/import-kinds.js';
import { defaultRejectsPath } from '../../imports/rejects-path.js';
import { DEFAULT_IMPORT_BATCH, DEFAULT_IMPORT_WRITERS, runImport, type ImportSummary } from '../../imports/run-import.js';
import type { RecordFormat } from '../../lib/io/index.js';
import { createImportProgress } from '../import-progress.js';
import { withDb } from '../with-db.js';
import type { RegisterCommand } from './register-command.js';

interface ImportCliOptions {
  rejects?: string;
  format?: RecordFormat;
  batchSize: number;
  writers: number;
}

const wholeNumber = (max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`a whole number from 1 to ${max}`);
  return n;
};

/** `vaxverify import citizens|doses FILE`: streaming, idempotent import with a reject file. */
export const registerImport: RegisterCommand = (program: Command) => {
  const cmd = program.command('import').description('Import the population registry or dose records (CSV or NDJSON)');
  for (const kind of IMPORT_KINDS) {
    cmd
      .command(kind)
      .argument('<file>', 'CSV (UTF-8/UTF-16) or NDJSON file; - for stdin')
      .description(kind === 'citizens' ? 'Load the population registry mirror (upsert by personalId)' : 'Load dose records (upsert by recordId)')
      .option('--rejects <file>', 'reject file (CSV: line, field, reason); default <file>.rejects.csv')
      .option('--format <format>', 'csv or ndjson (default: from the extension)')
      .option('--batch-size <n>', 'rows per bulk write', wholeNumber(10_000), DEFAULT_IMPORT_BATCH)
      .option('--writers <n>', 'bulk writes in flight at once', wholeNumber(16), DEFAULT_IMPORT_WRITERS)
      .action((file: string, o: ImportCliOptions) => importAction(kind, file, o));
  }
};

async function importAction(kind: ImportKind, file: string, o: ImportCliOptions): Promise<void> {
  if (o.format && o.format !== 'csv' && o.format !== 'ndjson') throw new Error('--format must be csv or ndjson');
  const rejectsPath = o.rejects ?? defaultRejectsPath(file);
  const progress = createImportProgress(process.stderr);
  let summary: ImportSummary;
  try {
    summary = await withDb((db) =>
      runImport({ kind, source: file, format: o.format, store: db.store, rejectsPath, batchSize: o.batchSize, writers: o.writers, onProgress: progress.update }),
    );
  } finally {
    progress.stop();
  }
  const rate = Math.round((summary.rows / Math.max(1, summary.durationMs)) * 1000);
  process.stdout.write(
    `import ${kind}: ${summary.rows} rows in ${(summary.durationMs / 1000).toFixed(1)} s (${rate} rows/s): ` +
      `${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} rejected` +
      (summary.rejectsPath ? ` → ${summary.rejectsPath}` : '') + '\n',
  );
  if (summary.rejected > 0) process.exitCode = 2;
}
