import type { Readable } from 'node:stream';
import { detectDelimiter, feedCsvLine, newCsvState, type CsvRecordState } from './csv-line.js';
import { REPLACEMENT_CHAR, decodeText, type TextEncodingName } from './decode.js';
import { splitLines, type PhysicalLine } from './lines.js';
import { formatFromPath, openSource, type RecordFormat } from './source.js';
import { RecordFormatError } from './record-format.error.js';

export interface RowError {
  field?: string;
  reason: string;
}

/** One row of an input file: a record, or the reason it could not be read. */
export interface ReadResult {
  /** 1-based physical line where the row starts (the header is line 1 in CSV). */
  line: number;
  record?: Record<string, unknown>;
  error?: RowError;
}

export interface ReadOptions {
  format?: RecordFormat;
  /** Longest accepted row, in characters of decoded text; longer rows are reported. */
  maxLineBytes?: number;
  /** Called once with the CSV header's column names (NDJSON: never). */
  onHeader?: (columns: string[]) => void;
  onEncoding?: (encoding: TextEncodingName) => void;
}

/** A dose or citizen row is ~200 characters; 64 KiB leaves room and bounds memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const INVALID_ENCODING =
  'invalid characters: the file is not UTF-8 or UTF-16 (Windows-1258/latin1?); save it as "CSV UTF-8" and retry';

/**
 * Stream records from a CSV or NDJSON file, stdin (`-`) or a Readable. Bad rows are yielded
 * with their line number and reason and reading continues; only a missing or unusable CSV
 * header stops the stream (RecordFormatError).
 */
export async function* readRecords(source: string | Readable, opts: ReadOptions = {}): AsyncGenerator<ReadResult> {
  const format = opts.format ?? (typeof source === 'string' ? formatFromPath(source) : undefined) ?? 'csv';
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stream = openSource(source);
  const lines = splitLines(decodeText(stream as AsyncIterable<Uint8Array | string>, opts.onEncoding), max);
  try {
    if (format === 'ndjson') yield* ndjsonRecords(lines, max);
    else yield* csvRecords(lines, max, opts.onHeader);
  } finally {
    if (typeof source === 'string' && source !== '-') stream.destroy();
  }
}

async function* ndjsonRecords(lines: AsyncIterable<PhysicalLine>, max: number): AsyncGenerator<ReadResult> {
  for await (const { line, text, oversized } of lines) {
    if (oversized) {
      yield { line, error: { reason: `line longer than ${max} characters` } };
      continue;
    }
    if (text.trim() === '') continue;
    if (text.includes(REPLACEMENT_CHAR)) {
      yield { line, error: { reason: INVALID_ENCODING } };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // V8's message quotes the text it failed on (a person's data): only the position is kept.
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      yield { line, error: { reason: at ? `invalid JSON at column ${Number(at) + 1}` : 'invalid JSON' } };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, error: { reason: 'expected a JSON object on each line' } };
      continue;
    }
    yield { line, record: value as Record<string, unknown> };
  }
}

/** Lines read from the file, with the ability to push lines back after a broken record. */
class LineQueue {
  private readonly pushed: PhysicalLine[] = [];
  constructor(private readonly it: AsyncIterator<PhysicalLine>) {}
  async next(): Promise<PhysicalLine | undefined> {
    if (this.pushed.length > 0) return this.pushed.pop();
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }
  /** Re-read these lines next, in order. */
  pushBack(lines: PhysicalLine[]): void {
    for (let i = lines.length - 1; i >= 0; i--) this.pushed.push(lines[i]!);
  }
}

async function* csvRecords(
  source: AsyncIterable<PhysicalLine>,
  max: number,
  onHeader?: (columns: string[]) => void,
): AsyncGenerator<ReadResult> {
  const queue = new LineQueue(source[Symbol.asyncIterator]());
  let header: string[] | undefined;
  let delimiter = ',';
  let current: { start: number; lines: PhysicalLine[]; state: CsvRecordState } | undefined;

  /** Report the record that started at `current.start` and re-read its later lines as new rows. */
  const resync = (reason: string): ReadResult => {
    const { start, lines } = current!;
    current = undefined;
    queue.pushBack(lines.slice(1));
    return { line: start, error: { reason } };
  };

  for (;;) {
    const pl = await queue.next();
    if (!pl) {
      if (!current) break;
      // The lines after an unclosed quote are pushed back and read as rows of their own.
      yield resync(`broken quoting: quoted field opened on line ${current.start} is never closed (end of file)`);
      continue;
    }
    if (!current) {
      if (pl.oversized) {
        yield { line: pl.line, error: { reason: `line longer than ${max} characters` } };
        continue;
      }
      if (pl.text.trim() === '') continue;
      if (!header) delimiter = detectDelimiter(pl.text);
      current = { start: pl.line, lines: [pl], state: newCsvState() };
    } else {
      current.lines.push(pl);
      if (pl.oversized) {
        yield resync(`broken quoting: quoted field opened on line ${current.start} is never closed`);
        continue;
      }
    }
    const r = feedCsvLine(current.state, pl.text, delimiter);
    if (r.status === 'more') {
      if (current.state.size > max) yield resync(`broken quoting: quoted field opened on line ${current.start} is never closed`);
      continue;
    }
    if (r.status === 'error') {
      yield current.lines.length > 1 ? resync(r.reason) : { line: current.start, error: { reason: r.reason } };
      current = undefined;
      continue;
    }
    const { start, lines } = current;
    const fields = r.fields;
    if (!header) {
      header = checkHeader(fields, start);
      onHeader?.(header);
      current = undefined;
      continue;
    }
    if (fields.every((f) => f.trim() === '')) {
      current = undefined; // a row of empty cells, as spreadsheets export after the data
      continue;
    }
    if (fields.length !== header.length) {
      const reason = `expected ${header.length} columns, found ${fields.length}`;
      // A multi-line record with the wrong shape is almost always an unbalanced quote.
      yield lines.length > 1 ? resync(`broken quoting (${reason})`) : { line: start, error: { reason } };
      current = undefined;
      continue;
    }
    current = undefined;
    const bad = fields.findIndex((f) => f.includes('\uFFFD'));
    if (bad !== -1) {
      yield { line: start, error: { field: header[bad], reason: INVALID_ENCODING } };
      continue;
    }
    const record: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) record[header[i]!] = fields[i];
    yield { line: start, record };
  }
  if (!header) throw new RecordFormatError('the CSV file is empty: expected a header row naming the columns');
}

function checkHeader(fields: string[], line: number): string[] {
  const names = fields.map((f) => f.trim());
  const empty = names.findIndex((n) => n === '');
  if (empty !== -1) throw new RecordFormatError(`line ${line}: header column ${empty + 1} has no name`);
  // Columns by number, never by their text: a file without a header has a person's data in line 1.
  const seen = new Map<string, number>();
  for (const [i, n] of names.entries()) {
    const first = seen.get(n);
    if (first !== undefined) throw new RecordFormatError(`line ${line}: header columns ${first + 1} and ${i + 1} have the same name`);
    seen.set(n, i);
  }
  if (names.some((n) => n.includes('\uFFFD'))) throw new RecordFormatError(`line ${line}: ${INVALID_ENCODING}`);
  return names;
}
