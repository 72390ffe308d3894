/**
 * Decisions from the population register's authentication service (docs/registry-api.md): a
 * pure function from its answers to MatchResult. The adapter (src/registry) only fetches.
 *
 * - With the register's values: the citizens the answers returned (the entered ID's holder and
 *   the search's candidates) are the only candidates the matcher sees, and the matcher decides as
 *   in mirror mode.
 * - Agreement only: `agrees` → verified; `disagrees` → review, "police to check" the fields
 *   (how the 2022 campaign worked); no usable ID → the search's candidates.
 */
import type { Citizen, DoseRecordInput, MatchResult } from '../records.js';
import { CitizenIndex, toRegistryCitizen } from './citizen-index.js';
import { gatherByName, matchRecordsSync } from './match.js';
import { normalizeId } from './ids.js';
import { prepareRecord } from './prepare.js';
import { scoreCandidate } from './score.js';
import type { CandidateSource, RegistryCitizen } from './registry.port.js';

export type DeclaredField = 'fullName' | 'dateOfBirth' | 'sex';
export type AuthStatus = 'agrees' | 'disagrees' | 'no_such_id' | 'malformed';

/** One subject's answer to `POST /v1/authenticate`; `register` only for an entitled client. */
export interface AuthAnswer {
  status: AuthStatus;
  fields?: (DeclaredField | 'idNumber')[];
  register?: Citizen;
}

/** One candidate of `POST /v1/search`: values for an entitled client, else which fields agree. */
export interface SearchCandidate {
  personalId: string;
  register?: Citizen;
  agrees?: DeclaredField[];
}

/** A subject as sent for authentication: the ID normalized, the rest as entered. */
export interface Subject { idNumber: string; fullName: string; dateOfBirth: string; sex: '' | 'male' | 'female' }

/** What the service is asked for a record: authenticate (a usable ID), or nothing (decided already, or search only). */
export function subjectOf(record: DoseRecordInput): Subject | null {
  const prepared = prepareRecord(record);
  if (prepared.kind === 'done') return null;
  const { id, gender } = prepared.record;
  if (id.kind !== 'citizen' && id.kind !== 'old') return null;
  return { idNumber: id.value, fullName: record.fullName, dateOfBirth: record.dateOfBirth, sex: gender ?? '' };
}

/** Whether the search is asked for the record: no answer, or one that does not single out its holder. */
export function needsSearch(record: DoseRecordInput, answer: AuthAnswer | undefined): boolean {
  if (prepareRecord(record).kind === 'done') return false;
  return !answer || answer.status !== 'agrees';
}

/** With values: the mirror's decisions over the citizens the answers returned. */
export function decideWithValues(
  records: readonly DoseRecordInput[],
  answers: readonly (AuthAnswer | undefined)[],
  searches: readonly (readonly SearchCandidate[] | undefined)[],
): MatchResult[] {
  const index = new CitizenIndex();
  for (const a of answers) if (a?.register) index.add(toRegistryCitizen(a.register));
  for (const s of searches) for (const c of s ?? []) if (c.register) index.add(toRegistryCitizen(c.register));
  return matchRecordsSync(records, index);
}

const FIELD_ORDER: readonly DeclaredField[] = ['fullName', 'dateOfBirth', 'sex'];

/** Agreement only: one record from its authentication answer and its search candidates. */
export function decideWithAgreement(record: DoseRecordInput, answer: AuthAnswer | undefined, search: readonly SearchCandidate[] | undefined): MatchResult {
  const prepared = prepareRecord(record);
  if (prepared.kind === 'done') return prepared.result;
  const base = { recordId: record.recordId };
  const id = normalizeId(record.idNumber);
  const personalId = id.kind === 'citizen' ? id.value : undefined;
  if (answer?.status === 'agrees') return { ...base, outcome: 'verified', score: 1, ...(personalId ? { personalId } : {}) };
  if (answer?.status === 'disagrees') {
    const fields = FIELD_ORDER.filter((f) => answer.fields?.includes(f));
    return { ...base, outcome: 'review', score: 0.5, ...(personalId ? { personalId } : {}), reason: `police to check ${fields.map((f) => (f === 'sex' ? 'gender' : f)).join(', ')}` };
  }
  const full = (search ?? []).filter((c) => FIELD_ORDER.slice(0, 2).every((f) => c.agrees?.includes(f)));
  if (full.length === 1) {
    return { ...base, outcome: 'corrected', personalId: full[0]!.personalId, score: 0.9, corrections: { idNumber: full[0]!.personalId }, reason: 'corrected idNumber' };
  }
  if (full.length > 1) {
    return { ...base, outcome: 'review', score: 0.5, candidates: full.slice(0, 3).map((c) => ({ personalId: c.personalId, score: 0.5 })), reason: 'several citizens fit equally well' };
  }
  return { ...base, outcome: 'not_found', score: 0, reason: 'no citizen with this ID number or name and birth year' };
}

/**
 * The register's side of `POST /v1/search` as the stand-in serves it: citizens found by the
 * entered name (and its masked forms) and birth date, best first, at most `limit`; residents of
 * the commune win ties. Exported for the stand-in only (the product never searches a population).
 */
export function searchCandidates(
  query: { fullName: string; dateOfBirth: string; communeCode: string },
  source: CandidateSource,
  limit: number,
): RegistryCitizen[] {
  const prepared = prepareRecord({ recordId: 'q', fullName: query.fullName, dateOfBirth: query.dateOfBirth, gender: '', idNumber: '', nationality: 'VN', communeCode: query.communeCode });
  if (prepared.kind === 'done') return [];
  const scored = gatherByName(prepared.record, source).map((c) => ({ c, s: scoreCandidate(prepared.record, c).score + (c.communeCode === query.communeCode ? 1e-6 : 0) }));
  return scored.sort((x, y) => y.s - x.s).slice(0, limit).map((x) => x.c);
}
