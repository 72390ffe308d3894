import { access, rm } from 'node:fs/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Store } from '../src/db/store.js';
import { runImport, type ImportProgress, type ImportSummary } from '../src/imports/run-import.js';
import { RecordFormatError } from '../src/lib/io/index.js';
import type { Logger } from '../src/lib/logger.js';
import { insideDir } from '../src/lib/inside-dir.js';
import { importJobSchema } from '../queues/import.queue.js';

export interface ImportDeps {
  store: Store;
  log: Logger;
  /** UPLOAD_DIR: the only place an import job may read from (a job's path can be edited in Redis or Bull Board). */
  uploadDir: string;
}

export { insideDir };

/** Progress reported to BullMQ (and Bull Board): counts and a percentage of bytes read. */
export type ImportJobProgress = Omit<ImportProgress, 'totalBytes'> & { percent: number };

/** The reject file of an upload sits next to it: `<path>.rejects.csv`. */
export const rejectsPathFor = (uploadPath: string) => `${uploadPath}.rejects.csv`;

/**
 * Import one uploaded file in batches of 1,000 rows, reporting progress after each. Re-running
 * (retry after a crash or stall) is safe: rows are upserted by their natural key.
 */
export async function processImport(job: Job, deps: ImportDeps): Promise<ImportSummary & { uploadedBy: { sub: string; name: string } | null }> {
  const parsed = importJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${parsed.error.message}`);
  const { kind, path, uploadId, format, uploadedBy } = parsed.data;
  const log = deps.log.child({ jobId: job.id, queue: job.queueName, attempt: job.attemptsMade + 1, uploadId, kind, uploadedBy: uploadedBy?.sub ?? null });
  try {
    await access(path);
  } catch {
    throw new UnrecoverableError(`upload ${uploadId}: file not found`);
  }
  if (!(await insideDir(deps.uploadDir, path))) throw new UnrecoverableError(`upload ${uploadId}: the file is not inside UPLOAD_DIR; refused`);
  log.info('import started');
  try {
    const summary = await runImport({
      kind, source: path, format, store: deps.store, rejectsPath: rejectsPathFor(path),
      onProgress: async (p) => {
        const percent = p.totalBytes ? Math.min(100, Math.round((p.bytes / p.totalBytes) * 100)) : 0;
        const { totalBytes: _total, ...counts } = p;
        await job.updateProgress({ ...counts, percent } satisfies ImportJobProgress);
      },
    });
    const { rejectsPath: _rejects, ...counts } = summary;
    log.info({ ...counts }, 'import finished');
    // The uploaded file is personal data with no further use: removed once imported (the reject file, line/field/reason only, stays).
    await rm(path, { force: true });
    return { ...summary, uploadedBy: uploadedBy ?? null };
  } catch (err) {
    // A file that cannot be read as records (no header, missing columns) will not improve on retry.
    if (err instanceof RecordFormatError) {
      await rm(path, { force: true });
      throw new UnrecoverableError(`upload ${uploadId}: ${err.message}`);
    }
    throw err;
  }
}
