import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import type { Models } from '../db/models/index.js';
import { missingColumns } from '../domain/import/index.js';
import { RecordFormatError, createRecordWriter, formatFromPath, openSource, readRecords, type RecordFormat, type RecordWriter } from '../lib/io/index.js';
import { upsertByKey } from './bulk-upsert.js';
import { markRegistryChanged } from '../db/repositories/registry-snapshot.repository.js';
import { importKinds, type ImportKind } from './import-kinds.js';
import { KeySet } from './key-set.js';

export interface ImportProgress {
  /** Rows read (valid or not; empty lines excluded). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Bytes of the input read so far, and the file size when known (for a progress bar). */
  bytes: number;
  totalBytes?: number;
}

export interface ImportSummary extends ImportProgress {
  kind: ImportKind;
  durationMs: number;
  /** The reject file, or null when every row was imported. */
  rejectsPath: string | null;
}

export interface ImportOptions {
  kind: ImportKind;
  /** A path, `-` for stdin, or a stream (format then required unless CSV). */
  source: string | Readable;
  format?: RecordFormat;
  models: Models;
  /** Where rejected rows go (CSV: line, field, reason). Created only if a row is rejected. */
  rejectsPath: string;
  /** Documents per bulk write; the next batch is read only after this one is stored. */
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void | Promise<void>;
}

/** 1,000 rows per write: ~250 KB per insertMany, large enough to amortise a round trip. */
export const DEFAULT_IMPORT_BATCH = 1000;

export const REJECT_COLUMNS = ['line', 'field', 'reason'];

/**
 * Stream a citizens or doses file into Mongo. A bad row goes to the reject file with its line,
 * field and reason and never stops the import; a duplicate key within the file is rejected
 * (first wins); the natural-key upsert makes a re-run change nothing.
 */
export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const spec = importKinds[opts.kind];
  const collection = spec.collection(opts.models);
  const batchSize = opts.batchSize ?? DEFAULT_IMPORT_BATCH;
  const started = Date.now();
  const p: ImportProgress = { rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, bytes: 0 };
  if (typeof opts.source === 'string' && opts.source !== '-') p.totalBytes = (await stat(opts.source)).size;

  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      p.bytes += chunk.length;
      done(null, chunk);
    },
  });
  const raw = openSource(opts.source);
  const input = raw.pipe(counter);
  const format = opts.format ?? (typeof opts.source === 'string' ? formatFromPath(opts.source) : undefined) ?? 'csv';
  const seen = new KeySet();
  let rejects: RecordWriter | undefined;
  const reject = async (line: number, field: string | undefined, reason: string) => {
    rejects ??= createRecordWriter(opts.rejectsPath, 'csv', { columns: REJECT_COLUMNS });
    await rejects.write({ line, field: field ?? '', reason });
    p.rejected++;
  };

  let batch: Record<string, unknown>[] = [];
  // One write in flight while the next batch is parsed: at most two batches in memory, and the
  // reader waits (back-pressure) whenever the server is slower than parsing.
  let inFlight: Promise<void> | undefined;
  const write = async (docs: Record<string, unknown>[]) => {
    const c = await upsertByKey(collection, spec.key, spec.fields, docs);
    p.inserted += c.inserted;
    p.updated += c.updated;
    p.unchanged += c.unchanged;
    await opts.onProgress?.({ ...p });
  };
  const flush = async () => {
    await inFlight;
    inFlight = write(batch);
    batch = [];
    // No unhandled rejection while the next batch is parsed: a failed write throws at the next await.
    inFlight.catch(() => {});
  };

  const onHeader = (columns: string[]) => {
    const missing = missingColumns(columns, spec.requiredColumns);
    if (missing.length) throw new RecordFormatError(`the header lacks required column(s): ${missing.join(', ')}`);
  };
  try {
    for await (const r of readRecords(input, { format, onHeader })) {
      p.rows++;
      if (r.error) {
        await reject(r.line, r.error.field, r.error.reason);
        continue;
      }
      const parsed = spec.parse(r.record!);
      if (!parsed.ok) {
        await reject(r.line, parsed.issue.field, parsed.issue.reason);
        continue;
      }
      if (!seen.add(String(parsed.value[spec.key]))) {
        await reject(r.line, spec.key, `duplicate ${spec.key} in this file (the first row with it was kept)`);
        continue;
      }
      // The natural key is the document's `_id`: point reads are `_id` reads on every store.
      batch.push({ _id: parsed.value[spec.key], ...parsed.value });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await inFlight;
    // Workers holding a snapshot of the registry reload it once the citizens changed.
    if (opts.kind === 'citizens' && p.inserted + p.updated > 0) await markRegistryChanged(opts.models);
  } finally {
    await inFlight?.catch(() => {});
    await rejects?.close();
    input.destroy();
    if (raw !== process.stdin) raw.destroy();
  }
  return { ...p, kind: opts.kind, durationMs: Date.now() - started, rejectsPath: rejects ? opts.rejectsPath : null };
}
