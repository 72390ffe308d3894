/**
 * Batch matching: prepare each record, gather candidates through the blocking keys,
 * score, decide. The synchronous path serves an in-memory registry; the asynchronous one
 * asks a `RegistryLookup` at most twice per chunk (see registry.port.ts).
 */
import type { DoseRecordInput, MatchResult } from '../records.js';
import { CitizenIndex } from './citizen-index.js';
import { InMemoryRegistry } from './in-memory-registry.js';
import { decide } from './decide.js';
import { formatBirthDate } from './dates.js';
import { idVariants } from './ids.js';
import { maskedNameParts } from './keys.js';
import { prepareRecord, type PreparedRecord } from './prepare.js';
import type { BlockingKeys, CandidateSource, RegistryCitizen, RegistryLookup } from './registry.port.js';
import { hasIdEvidence, scoreCandidate, type CandidateScore } from './score.js';
import { DoseBatch } from './siblings.js';

/** Bump when a change can alter a decision: results record which matcher made them. */
export const MATCHER_VERSION = '1.3.0';

export interface MatchOptions {
  /** Records per registry round trip (async path). 1,000 keeps `$in` lists small. */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 1_000;

/** ID numbers one keystroke away are searched only for 9, 12 or 13 digits. */
function variantDigits(p: PreparedRecord): string {
  const n = p.id.digits.length;
  return n === 9 || n === 12 || n === 13 ? p.id.digits : '';
}

/**
 * Digits of a 12-digit ID the record itself confirms: the birth year (positions 4–5) when
 * the entered birth year is the one encoded, and the century/sex digit (3) when sex agrees
 * too. Fewer variants: about 65 instead of 90 lookups.
 */
function confirmedPositions(p: PreparedRecord): number[] {
  const { decoded, dob } = p;
  if (!decoded || !dob || decoded.birthYear !== dob.year) return [];
  return p.gender === decoded.gender ? [3, 4, 5] : [4, 5];
}

function variantsOf(p: PreparedRecord): string[] {
  return idVariants(variantDigits(p), confirmedPositions(p));
}

/**
 * Masked-name keys of the record (second round): each masked part of its name with the entered
 * birth date at its own precision and every coarser one (a registry that holds only the year
 * or the month stores its key that way).
 */
function maskedKeysOf(p: PreparedRecord): string[] {
  const { dob } = p;
  if (!dob) return [];
  const dates = [String(dob.year)];
  if (dob.precision !== 'year') dates.push(formatBirthDate({ year: dob.year, month: dob.month, precision: 'month' }));
  if (dob.precision === 'day') dates.push(formatBirthDate(dob));
  const keys: string[] = [];
  for (const name of p.nameAsEntered ? [p.name, p.nameAsEntered] : [p.name]) {
    for (const part of maskedNameParts(name.folded)) for (const date of dates) keys.push(`${part}|${date}`);
  }
  return keys;
}

/** Sources may rebuild citizen objects on each lookup: compare by personalId. */
function pushUnique(out: RegistryCitizen[], c: RegistryCitizen | undefined): void {
  if (!c) return;
  for (const seen of out) if (seen === c || seen.personalId === c.personalId) return;
  out.push(c);
}

/**
 * Candidates of the record: the first-round blocks, then (with variants) the second round's.
 * `firstRound`, the list a first round already gathered from the same source, is copied
 * instead of asking the source again.
 */
function gather(
  p: PreparedRecord,
  source: CandidateSource,
  withVariants: boolean,
  firstRound?: readonly RegistryCitizen[],
): RegistryCitizen[] {
  let out: RegistryCitizen[];
  if (firstRound) out = firstRound.slice();
  else {
    out = [];
    const { id } = p;
    if (id.kind === 'citizen') pushUnique(out, source.byPersonalId(id.value));
    if (id.kind === 'citizen' || id.kind === 'old') pushUnique(out, source.byOldId(id.value));
    for (const key of p.blockNames) for (const year of p.blockYears) for (const c of source.byNameYear(key, year)) pushUnique(out, c);
  }
  if (withVariants) {
    for (const v of variantsOf(p)) {
      pushUnique(out, v.length === 12 ? source.byPersonalId(v) : source.byOldId(v));
    }
    if (source.byMaskedKey) for (const key of maskedKeysOf(p)) for (const c of source.byMaskedKey(key)) pushUnique(out, c);
  }
  return out;
}

/** Candidates by name and birth date only (first-round name blocks and masked-name keys): the register's search. */
export function gatherByName(p: PreparedRecord, source: CandidateSource): RegistryCitizen[] {
  const out: RegistryCitizen[] = [];
  for (const key of p.blockNames) for (const year of p.blockYears) for (const c of source.byNameYear(key, year)) pushUnique(out, c);
  if (source.byMaskedKey) for (const key of maskedKeysOf(p)) for (const c of source.byMaskedKey(key)) pushUnique(out, c);
  return out;
}

/** A decision (with the scores it came from), or none yet with the first round's candidates (for the second round to extend). */
type Attempt = { result: MatchResult; scored: CandidateScore[] } | { result: null; candidates: readonly RegistryCitizen[] };

function isLink(result: MatchResult): boolean {
  return result.outcome === 'verified' || result.outcome === 'corrected';
}

/** A second round can find more: ID variants, or masked-name keys (a birth date and two name words). */
function worthSecondRound(p: PreparedRecord): boolean {
  return variantDigits(p) !== '' || (p.dob !== null && p.name.words.length >= 2);
}

/**
 * Decides, or asks for a second round with one-keystroke ID variants and masked-name keys
 * when the first round linked nobody. Variants cost ~100 lookups, so records already
 * linked (by their ID, or by name and birth date with nobody else close) do not pay for them.
 */
function attempt(
  p: PreparedRecord,
  source: CandidateSource,
  withVariants: boolean,
  firstRound?: readonly RegistryCitizen[],
): Attempt {
  const candidates = gather(p, source, withVariants, firstRound);
  const scored = candidates.map((c) => scoreCandidate(p, c));
  const result = decide(p, scored);
  if (!withVariants && worthSecondRound(p) && (!isLink(result) || linkedAwayWithoutId(result, scored))) {
    return { result: null, candidates };
  }
  return { result, scored };
}

/**
 * Linked by name and birth date to a citizen of another commune: the second round first looks
 * for someone in the record's own commune whose name was misspelt into this one.
 */
function linkedAwayWithoutId(result: MatchResult, scored: readonly CandidateScore[]): boolean {
  const linked = scored.find((s) => s.citizen.personalId === result.personalId);
  return linked !== undefined && !linked.commune && !hasIdEvidence(linked);
}

/** A prepared record against a synchronous source: one or two rounds. */
function decideSync(p: PreparedRecord, source: CandidateSource): { result: MatchResult; scored: CandidateScore[] } {
  const first = attempt(p, source, false);
  if (first.result) return first;
  return attempt(p, source, true, first.candidates) as { result: MatchResult; scored: CandidateScore[] };
}

/** One record against a synchronous source (in-memory registry); alone, it has no other doses to lean on. */
export function matchRecordSync(record: DoseRecordInput, source: CandidateSource): MatchResult {
  const prepared = prepareRecord(record);
  if (prepared.kind === 'done') return prepared.result;
  return decideSync(prepared.record, source).result;
}

/**
 * The fast path for the CLI and benchmarks: no promises, no chunk indexes. The records are one
 * batch: a record left over may be settled by the same person's other doses (`siblings.ts`).
 */
export function matchRecordsSync(records: Iterable<DoseRecordInput>, source: CandidateSource): MatchResult[] {
  const out: MatchResult[] = [];
  const batch = new DoseBatch();
  for (const r of records) {
    const prepared = prepareRecord(r);
    if (prepared.kind === 'done') {
      out.push(prepared.result);
      continue;
    }
    const { result, scored } = decideSync(prepared.record, source);
    batch.note(out.length, prepared.record, result, scored, true);
    out.push(result);
  }
  batch.resolve(out, source);
  return out;
}

function emptyKeys(): BlockingKeys {
  return { personalIds: [], oldIdNumbers: [], nameYears: [], maskedKeys: [] };
}

function addFirstRoundKeys(p: PreparedRecord, keys: BlockingKeys): void {
  if (p.id.kind === 'citizen') keys.personalIds.push(p.id.value);
  if (p.id.kind === 'citizen' || p.id.kind === 'old') keys.oldIdNumbers.push(p.id.value);
  for (const nameKey of p.blockNames) for (const birthYear of p.blockYears) keys.nameYears.push({ nameKey, birthYear });
}

function addVariantKeys(p: PreparedRecord, keys: BlockingKeys): void {
  for (const v of variantsOf(p)) (v.length === 12 ? keys.personalIds : keys.oldIdNumbers).push(v);
  keys.maskedKeys!.push(...maskedKeysOf(p));
}

async function matchChunk(records: readonly DoseRecordInput[], registry: RegistryLookup): Promise<MatchResult[]> {
  const results: (MatchResult | null)[] = new Array(records.length).fill(null);
  const pending: { index: number; p: PreparedRecord }[] = [];
  const keys = emptyKeys();
  records.forEach((r, index) => {
    const prepared = prepareRecord(r);
    if (prepared.kind === 'done') results[index] = prepared.result;
    else {
      pending.push({ index, p: prepared.record });
      addFirstRoundKeys(prepared.record, keys);
    }
  });
  const index = new CitizenIndex();
  if (pending.length > 0) for (const c of await registry.findCandidates(keys)) index.add(c);
  const second: typeof pending = [];
  const variantKeys = emptyKeys();
  const batch = new DoseBatch();
  for (const item of pending) {
    const first = attempt(item.p, index, false);
    if (first.result) {
      results[item.index] = first.result;
      batch.note(item.index, item.p, first.result, first.scored, false);
    } else {
      second.push(item);
      addVariantKeys(item.p, variantKeys);
    }
  }
  if (second.length > 0) {
    for (const c of await registry.findCandidates(variantKeys)) index.add(c);
    for (const item of second) {
      const { result, scored } = attempt(item.p, index, true) as { result: MatchResult; scored: CandidateScore[] };
      results[item.index] = result;
      batch.note(item.index, item.p, result, scored, false);
    }
  }
  batch.resolve(results as MatchResult[], index);
  return results as MatchResult[];
}

/**
 * Match a batch against any registry. With an `InMemoryRegistry` this runs the
 * synchronous path; otherwise chunk by chunk, two `findCandidates` calls per chunk.
 */
export async function matchRecords(
  records: readonly DoseRecordInput[],
  registry: RegistryLookup,
  options: MatchOptions = {},
): Promise<MatchResult[]> {
  if (registry instanceof InMemoryRegistry) return matchRecordsSync(records, registry);
  const size = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK);
  const out: MatchResult[] = [];
  for (let i = 0; i < records.length; i += size) out.push(...(await matchChunk(records.slice(i, i + size), registry)));
  return out;
}
