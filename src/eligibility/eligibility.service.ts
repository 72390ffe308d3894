import type { Store } from '../db/store.js';
import { recordsEnteredWith } from '../db/repositories/dose-records.repository.js';
import { projectionOf } from '../db/repositories/query.js';
import { recordsById } from '../db/repositories/worklist.repository.js';
import { linkedRecords, recordStates, type RecordState } from '../db/repositories/record-state.repository.js';
import { checkIdNumber } from '../domain/corrections/validate.js';
import { isVietnamese, normalizeId } from '../domain/matching/index.js';
import { ValidationError } from '../lib/errors/index.js';

/** One dose, as little as the decision needs: no name, no birth date, no ID number. */
export interface DoseView {
  recordId: string;
  doseNumber: number | null;
  vaccine: string | null;
  vaccinatedAt: string | null;
  /** The latest verification outcome, or `unverified` before any round has seen the record. */
  outcome: string;
  correctionPending: boolean;
}

export type IneligibleReason = 'no_doses' | 'pending_corrections' | 'unverified_doses';

export interface Eligibility {
  kind: 'citizen' | 'passport';
  eligible: boolean;
  reason?: IneligibleReason;
  doses: DoseView[];
}

interface Candidate { recordId: string; doseNumber?: number | null; vaccine?: string | null; vaccinatedAt?: string | null; idNumber?: string | null; nationality?: string | null }

/** The views of some records from their current state (record-state.repository.ts): one read. */
async function doseViews(store: Store, records: Candidate[], states?: Map<string, RecordState>): Promise<DoseView[]> {
  const known = states ?? (await recordStates(store, records.map((r) => r.recordId)));
  return records.map((rec) => doseView(rec, known.get(rec.recordId)));
}

function doseView(rec: Candidate, state: RecordState | undefined): DoseView {
  const c = state?.correction;
  // Pending: not yet applied, or applied after the newest result (re-verification still to come).
  const pending = !!c && (c.status === 'pending' || c.status === 'awaiting_signoff' || (c.status === 'applied' && (!state?.resultAt || c.at > state.resultAt)));
  return {
    recordId: rec.recordId,
    doseNumber: rec.doseNumber ?? null,
    vaccine: rec.vaccine ?? null,
    vaccinatedAt: rec.vaccinatedAt ?? null,
    outcome: state?.outcome ?? 'unverified',
    correctionPending: pending,
  };
}

function decide(kind: Eligibility['kind'], doses: DoseView[], accepted: ReadonlySet<string>): Eligibility {
  doses.sort((a, b) => (a.vaccinatedAt ?? '').localeCompare(b.vaccinatedAt ?? '') || a.recordId.localeCompare(b.recordId));
  if (doses.length === 0) return { kind, eligible: false, reason: 'no_doses', doses };
  if (doses.some((d) => d.correctionPending)) return { kind, eligible: false, reason: 'pending_corrections', doses };
  if (doses.some((d) => !accepted.has(d.outcome))) return { kind, eligible: false, reason: 'unverified_doses', doses };
  return { kind, eligible: true, doses };
}

/** What a dose view needs of a record (and its recordId). */
const CANDIDATE_FIELDS = ['doseNumber', 'vaccine', 'vaccinatedAt', 'idNumber', 'nationality'] as const;
const RECORD_FIELDS = projectionOf(CANDIDATE_FIELDS, { _id: 0, recordId: 1 });

/**
 * A citizen is eligible when every dose record that is theirs is verified (a confirmed correction
 * re-verifies as `verified`) and no correction is pending. Their records: those the matcher linked
 * to the personal ID (the records' current state), and those entered with it that no round
 * linked elsewhere. Four reads whatever the number of doses.
 */
export async function citizenEligibility(store: Store, personalId: string, now = new Date()): Promise<Eligibility> {
  const checked = checkIdNumber(personalId, { currentYear: now.getUTCFullYear() });
  if ('reason' in checked || checked.value !== personalId.trim()) {
    throw new ValidationError(`params.personalId: ${'reason' in checked ? checked.reason : 'must be the 12 digits of a citizen ID'}`);
  }
  const id = checked.value;
  const [linked, entered] = await Promise.all([
    linkedRecords(store, id),
    recordsEnteredWith(store, [id], []),
  ]);
  const recordIds = [...new Set([...linked, ...entered.map((r) => r.recordId)])];
  const [records, states] = await Promise.all([
    recordsById(store, recordIds, RECORD_FIELDS) as Promise<Map<string, Candidate>>, recordStates(store, recordIds),
  ]);
  // The newest result decides whose record it is: linked to someone else now, not theirs.
  const theirs = [...records.values()].filter((rec) => {
    const linkedTo = states.get(rec.recordId)?.personalId;
    return linkedTo ? linkedTo === id : normalizeId(rec.idNumber ?? '').value === id;
  });
  return decide('citizen', await doseViews(store, theirs, states), new Set(['verified']));
}

/**
 * A foreign national vaccinated with a passport number: no population check (the matcher marks
 * such records `exempt`); eligible when every dose entered with that number is exempt or verified
 * and no correction is pending. `nationality`, when given, narrows to records entered with it.
 */
export async function passportEligibility(store: Store, passport: string, nationality?: string): Promise<Eligibility> {
  const n = normalizeId(passport);
  if (n.kind !== 'passport') throw new ValidationError('query.passport: not a passport number (letters and digits, 6–12 characters, not a citizen ID)');
  const variants = [...new Set([n.value, passport.trim()])];
  const found: Candidate[] = await recordsEnteredWith(store, variants, CANDIDATE_FIELDS);
  const wanted = nationality?.trim().toUpperCase();
  const records = [...new Map(found.map((r) => [r.recordId, r])).values()]
    .filter((r) => isVietnamese(r.nationality) !== true)
    .filter((r) => !wanted || (r.nationality ?? '').trim().toUpperCase() === wanted);
  return decide('passport', await doseViews(store, records), new Set(['exempt', 'verified']));
}
