import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { RecordFormat } from './source.js';

export interface RecordWriter {
  /** Resolves when the record is buffered; waits for `drain` when the target is full. */
  write(record: object): Promise<void>;
  /** Flush and close (for a path target) or flush and leave open (a Writable target). */
  close(): Promise<void>;
  readonly written: number;
}

export interface WriterOptions {
  /** CSV column order; default: the keys of the first record. */
  columns?: string[];
  /** Prefix a UTF-8 BOM so spreadsheet programs detect the encoding (CSV only). */
  bom?: boolean;
}

/** Lines are gathered into ~64 KiB writes: one syscall per few hundred rows. */
const FLUSH_CHARS = 64 * 1024;

/** Write records as CSV or NDJSON to a path, `-` (stdout) or a Writable, honouring back-pressure. */
export function createRecordWriter(target: string | Writable, format: RecordFormat, opts: WriterOptions = {}): RecordWriter {
  const ownsStream = typeof target === 'string' && target !== '-';
  const stream: Writable = typeof target !== 'string' ? target : target === '-' ? process.stdout : createWriteStream(target);
  let columns = opts.columns;
  let buffer = format === 'csv' && opts.bom ? '\uFEFF' : '';
  let written = 0;
  let failed: Error | undefined;
  stream.on('error', (err) => (failed = err));

  const flush = async () => {
    if (failed) throw failed;
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk) && !stream.destroyed) await drainedOrClosed(stream);
  };

  return {
    get written() {
      return written;
    },
    async write(record: object) {
      const rec = record as Record<string, unknown>;
      if (format === 'ndjson') {
        buffer += JSON.stringify(rec) + '\n';
      } else {
        if (!columns) {
          columns = Object.keys(rec);
        }
        if (written === 0) buffer += columns.map(csvCell).join(',') + '\r\n';
        buffer += columns.map((c) => csvCell(rec[c])).join(',') + '\r\n';
      }
      written++;
      if (buffer.length >= FLUSH_CHARS) await flush();
    },
    async close() {
      if (format === 'csv' && written === 0 && columns) buffer += columns.map(csvCell).join(',') + '\r\n';
      await flush();
      if (ownsStream) {
        stream.end();
        await once(stream, 'finish');
      }
      if (failed) throw failed;
    },
  };
}

/** A full target resumes on `drain`; one that closes (a client gone mid-download) never drains: stop waiting then. */
async function drainedOrClosed(stream: NodeJS.WritableStream): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: ac.signal }), once(stream, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
}

/** RFC 4180 cell: quoted when it holds a delimiter, quote, line break or edge spaces. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
