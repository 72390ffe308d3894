import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/** Queue of uploaded files to import (registry mirror or dose records), one job per upload. */
export const IMPORT_QUEUE = 'import';

export const ImportJob = { file: 'import-file' } as const;

/** Only where the file is and what it holds: never personal data in a job payload. */
export const importJobSchema = z.object({
  kind: z.enum(['citizens', 'doses']),
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'upload id: 8–64 letters, digits, _ or -'),
  path: z.string().min(1),
  format: z.enum(['csv', 'ndjson']).optional(),
  /** Who uploaded it: the token's identity (an officer, never a citizen). */
  uploadedBy: z.object({ sub: z.string().min(1).max(200), name: z.string().max(200) }).optional(),
});

export type ImportJobData = z.infer<typeof importJobSchema>;

/** The job ID is the upload ID: enqueueing the same upload twice is one job. */
export const importJobId = (uploadId: string) => `import__${uploadId}`;

export const importJobOptions: DefaultJobOptions = {
  // The import is idempotent (natural-key upserts), so a retry after a crash just resumes the work.
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createImportQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<ImportJobData>(IMPORT_QUEUE, { connection, prefix, defaultJobOptions: importJobOptions });
}
