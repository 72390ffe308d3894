import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';

export type RecordFormat = 'csv' | 'ndjson';

const EXTENSIONS: Record<string, RecordFormat> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'ndjson',
};

/** The format named by a file's extension (`.gz` etc. are not supported), or undefined. */
export function formatFromPath(path: string): RecordFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/** `-` is stdin; anything else a file path. */
export function openSource(source: string | Readable): Readable {
  if (typeof source !== 'string') return source;
  if (source === '-') return process.stdin;
  // 256 KiB reads: fewer syscalls on multi-GB files, still a small fixed buffer.
  return createReadStream(source, { highWaterMark: 256 * 1024 });
}
