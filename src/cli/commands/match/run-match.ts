/**
 * The streaming pipeline behind `vaxverify match`: load the population into memory,
 * then read dose records in chunks, match, write one result per record.
 */
import { createRecordWriter, formatFromPath, readRecords, type RecordFormat } from '../../../lib/io/index.js';
import { InMemoryRegistry, matchRecordsSync } from '../../../domain/matching/index.js';
import type { DoseRecordInput } from '../../../domain/records.js';
import { startProgress } from './progress.js';
import { emptySummary, type MatchSummary } from './summary.js';
import { toCitizen, toDoseRecord } from './to-record.js';

export interface MatchFiles {
  population: string;
  records: string;
  out: string;
  /** Needed for `-` (stdin/stdout), which has no extension; default NDJSON. */
  format?: RecordFormat;
}

/** Matching 1,000 records at a time keeps output flowing and memory flat. */
const CHUNK = 1_000;
/** After this many, malformed lines are only counted: a broken file must not flood the terminal. */
const MAX_REPORTED = 100;

const OUTPUT_COLUMNS = ['recordId', 'outcome', 'personalId', 'score', 'corrections', 'candidates', 'reason'];

function formatOf(path: string, fallback: RecordFormat | undefined): RecordFormat {
  return (path === '-' ? fallback : formatFromPath(path)) ?? fallback ?? 'ndjson';
}

function reporter(file: string): (line: number, reason: string) => void {
  let reported = 0;
  const name = file === '-' ? 'stdin' : file;
  return (line, reason) => {
    // Parser messages may quote the line itself: personal data stays out of the terminal.
    const safe = reason.replace(/"[^"]*"/g, '"…"');
    if (++reported <= MAX_REPORTED) process.stderr.write(`${name}:${line}: skipped: ${safe}\n`);
    else if (reported === MAX_REPORTED + 1) process.stderr.write(`${name}: further malformed lines only counted\n`);
  };
}

async function loadPopulation(files: MatchFiles, summary: MatchSummary): Promise<InMemoryRegistry> {
  const registry = new InMemoryRegistry();
  const report = reporter(files.population);
  const progress = startProgress('population');
  let since = 0;
  for await (const row of readRecords(files.population, { format: formatOf(files.population, files.format) })) {
    const parsed = row.record ? toCitizen(row.record) : { ok: false as const, reason: row.error?.reason ?? 'unreadable' };
    if (parsed.ok) {
      registry.addCitizen(parsed.value);
      summary.population++;
    } else {
      report(row.line, parsed.reason);
      summary.populationMalformed++;
    }
    if (++since === CHUNK) {
      progress.increment(since);
      since = 0;
    }
  }
  progress.stop();
  return registry;
}

export async function runMatch(files: MatchFiles): Promise<MatchSummary> {
  if (files.population === '-' && files.records === '-') throw new Error('only one of --population and --records can be stdin');
  const started = process.hrtime.bigint();
  const summary = emptySummary();
  const registry = await loadPopulation(files, summary);
  const writer = createRecordWriter(files.out, formatOf(files.out, files.format), { columns: OUTPUT_COLUMNS });
  const report = reporter(files.records);
  const progress = startProgress('matching');
  let chunk: DoseRecordInput[] = [];
  const flush = async () => {
    for (const result of matchRecordsSync(chunk, registry)) {
      summary.outcomes[result.outcome]++;
      await writer.write(result);
    }
    summary.records += chunk.length;
    progress.increment(chunk.length);
    chunk = [];
  };
  for await (const row of readRecords(files.records, { format: formatOf(files.records, files.format) })) {
    const parsed = row.record ? toDoseRecord(row.record) : { ok: false as const, reason: row.error?.reason ?? 'unreadable' };
    if (!parsed.ok) {
      report(row.line, parsed.reason);
      summary.recordsMalformed++;
      continue;
    }
    chunk.push(parsed.value);
    if (chunk.length === CHUNK) await flush();
  }
  await flush();
  await writer.close();
  progress.stop();
  summary.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summary;
}
