import type { Store } from '../db/store.js';
import { recordsEnteredWith } from '../db/repositories/dose-records.repository.js';
import { citizenDoses, recordStates, type RecordState } from '../db/repositories/record-state.repository.js';
import { checkIdNumber } from '../domain/corrections/validate.js';
import { primarySeries, DEFAULT_SERIES_RULE, type SeriesAnswer, type SeriesRule } from '../domain/eligibility/primary-series.js';
import { text, type TextKey } from '../domain/i18n/index.js';
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

export type IneligibleReason = 'no_doses' | 'pending_corrections' | 'unverified_doses' | 'incomplete_series';

export interface Eligibility {
  kind: 'citizen' | 'passport';
  eligible: boolean;
  reason?: IneligibleReason;
  /** The primary series over the verified doses with no correction pending: "1 of 2 doses". */
  series: Pick<SeriesAnswer, 'complete' | 'counted' | 'needed' | 'vaccines' | 'problem'>;
  /** What the checker reads, in Vietnamese: the verdict's reason and what is missing. */
  message: string;
  doses: DoseView[];
}

interface Candidate { recordId: string; doseNumber?: number | null; vaccine?: string | null; vaccinatedAt?: string | null; idNumber?: string | null; nationality?: string | null }

/** The views of some records from their current state (record-state.repository.ts): one read. */
async function doseViews(store: Store, records: Candidate[]): Promise<DoseView[]> {
  const known = await recordStates(store, records.map((r) => r.recordId));
  return records.map((rec) => doseView(rec, known.get(rec.recordId)));
}

function doseView(rec: Candidate, state: Pick<RecordState, 'outcome' | 'resultAt' | 'correction'> | undefined): DoseView {
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

const MESSAGE: Record<IneligibleReason, TextKey> = {
  no_doses: 'elig.no_doses', pending_corrections: 'elig.pending_corrections', unverified_doses: 'elig.unverified_doses', incomplete_series: 'elig.incomplete_series',
};

/**
 * The ministry's rule: every dose verified (or exempt, for a passport), no correction pending,
 * and the doses that count complete a primary series (../domain/eligibility). The series is
 * reported whatever the verdict, over the doses that pass the first two.
 */
function decide(kind: Eligibility['kind'], doses: DoseView[], accepted: ReadonlySet<string>, rule: SeriesRule): Eligibility {
  doses.sort((a, b) => (a.vaccinatedAt ?? '').localeCompare(b.vaccinatedAt ?? '') || a.recordId.localeCompare(b.recordId));
  const good = doses.filter((d) => !d.correctionPending && accepted.has(d.outcome));
  const { complete, counted, needed, vaccines, problem } = primarySeries(good, rule);
  const series = { complete, counted, needed, vaccines, ...(problem ? { problem } : {}) };
  const reason: IneligibleReason | undefined = doses.length === 0 ? 'no_doses'
    : doses.some((d) => d.correctionPending) ? 'pending_corrections'
      : doses.some((d) => !accepted.has(d.outcome)) ? 'unverified_doses'
        : !complete ? 'incomplete_series' : undefined;
  const missing = text('elig.series_count', 'vi', { counted, needed });
  const message = reason ? `${text(MESSAGE[reason])} (${missing})` : text('eligibleWhyYes', 'vi', { n: counted });
  return { kind, eligible: !reason, ...(reason ? { reason } : {}), series, message, doses };
}

/** What a dose view needs of a record (and its recordId). */
const CANDIDATE_FIELDS = ['doseNumber', 'vaccine', 'vaccinatedAt', 'idNumber', 'nationality'] as const;

/**
 * A citizen's eligibility from one indexed read of their doses' current states (the per-citizen
 * projection the chunk job writes with each result: record-state.repository.ts recordResults):
 * the records the matcher linked to the ID, and those entered with it that no round linked
 * elsewhere, each with its vaccine, date, outcome and newest correction. A record no round has
 * verified yet is not there: it is not a verified dose.
 */
export async function citizenEligibility(store: Store, personalId: string, now = new Date(), rule: SeriesRule = DEFAULT_SERIES_RULE): Promise<Eligibility> {
  const checked = checkIdNumber(personalId, { currentYear: now.getUTCFullYear() });
  if ('reason' in checked || checked.value !== personalId.trim()) {
    throw new ValidationError(`params.personalId: ${'reason' in checked ? checked.reason : 'must be the 12 digits of a citizen ID'}`);
  }
  const states = await citizenDoses(store, checked.value);
  const views = states.map((st) => doseView({ recordId: st._id, ...st.dose }, st as Pick<RecordState, 'outcome' | 'resultAt' | 'correction'>));
  return decide('citizen', views, new Set(['verified']), rule);
}

/**
 * A foreign national vaccinated with a passport number: no population check (the matcher marks
 * such records `exempt`); eligible when every dose entered with that number is exempt or verified
 * and no correction is pending. `nationality`, when given, narrows to records entered with it.
 */
export async function passportEligibility(store: Store, passport: string, nationality?: string, rule: SeriesRule = DEFAULT_SERIES_RULE): Promise<Eligibility> {
  const n = normalizeId(passport);
  if (n.kind !== 'passport') throw new ValidationError('query.passport: not a passport number (letters and digits, 6–12 characters, not a citizen ID)');
  const variants = [...new Set([n.value, passport.trim()])];
  const found: Candidate[] = await recordsEnteredWith(store, variants, CANDIDATE_FIELDS);
  const wanted = nationality?.trim().toUpperCase();
  const records = [...new Map(found.map((r) => [r.recordId, r])).values()]
    .filter((r) => isVietnamese(r.nationality) !== true)
    .filter((r) => !wanted || (r.nationality ?? '').trim().toUpperCase() === wanted);
  return decide('passport', await doseViews(store, records), new Set(['exempt', 'verified']), rule);
}
