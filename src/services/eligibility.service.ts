import type { Models } from '../db/models/index.js';
import { latestResult, type ResultRow } from '../db/repositories/worklist.repository.js';
import { checkIdNumber } from '../domain/corrections/validate.js';
import { isVietnamese, normalizeId } from '../domain/matching/index.js';
import { ValidationError } from '../lib/errors/index.js';
import { mapLimit } from '../lib/concurrency.js';

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

const LOOKUPS = 8;

interface Candidate { recordId: string; doseNumber?: number | null; vaccine?: string | null; vaccinatedAt?: string | null; idNumber?: string | null; nationality?: string | null }

async function doseView(models: Models, rec: Candidate, latest: ResultRow | null): Promise<DoseView> {
  const last = await models.Correction.find({ recordId: rec.recordId }, { status: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(1).lean();
  const c = last[0];
  // Pending: stored but not applied, or applied after the newest result (re-verification still to come).
  const pending = !!c && (c.status === 'pending' || c.status === 'awaiting_signoff' || (c.status === 'applied' && (!latest || c.createdAt > latest.updatedAt)));
  return {
    recordId: rec.recordId,
    doseNumber: rec.doseNumber ?? null,
    vaccine: rec.vaccine ?? null,
    vaccinatedAt: rec.vaccinatedAt ?? null,
    outcome: latest?.outcome ?? 'unverified',
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

const RECORD_FIELDS = { _id: 0, recordId: 1, doseNumber: 1, vaccine: 1, vaccinatedAt: 1, idNumber: 1, nationality: 1 } as const;

/**
 * A citizen is eligible when every dose record that is theirs is verified (a confirmed correction
 * re-verifies as `verified`) and no correction is pending. Their records: those the matcher linked
 * to the personal ID (latest result), and those entered with it that no round linked elsewhere.
 */
export async function citizenEligibility(models: Models, personalId: string, now = new Date()): Promise<Eligibility> {
  const checked = checkIdNumber(personalId, { currentYear: now.getUTCFullYear() });
  if ('reason' in checked || checked.value !== personalId.trim()) {
    throw new ValidationError(`params.personalId: ${'reason' in checked ? checked.reason : 'must be the 12 digits of a citizen ID'}`);
  }
  const id = checked.value;
  const [linked, entered] = await Promise.all([
    models.VerificationResult.find({ personalId: id }, { _id: 0, recordId: 1 }).lean(),
    models.DoseRecord.find({ idNumber: id }, { _id: 0, recordId: 1 }).lean(),
  ]);
  const recordIds = [...new Set([...linked, ...entered].map((r) => r.recordId))];
  const views = await mapLimit(recordIds, LOOKUPS, async (recordId) => {
    const [rec, latest] = await Promise.all([models.DoseRecord.findOne({ recordId }, RECORD_FIELDS).lean<Candidate>(), latestResult(models, recordId)]);
    if (!rec) return null;
    // The newest result decides whose record it is: linked to someone else now, not theirs.
    if (latest?.personalId ? latest.personalId !== id : normalizeId(rec.idNumber ?? '').value !== id) return null;
    return doseView(models, rec, latest);
  });
  return decide('citizen', views.filter((v) => v !== null), new Set(['verified']));
}

/**
 * A foreign national vaccinated with a passport number: no population check (the matcher marks
 * such records `exempt`); eligible when every dose entered with that number is exempt or verified
 * and no correction is pending. `nationality`, when given, narrows to records entered with it.
 */
export async function passportEligibility(models: Models, passport: string, nationality?: string): Promise<Eligibility> {
  const n = normalizeId(passport);
  if (n.kind !== 'passport') throw new ValidationError('query.passport: not a passport number (letters and digits, 6–12 characters, not a citizen ID)');
  const variants = [...new Set([n.value, passport.trim()])];
  const found = (await Promise.all(variants.map((v) => models.DoseRecord.find({ idNumber: v }, RECORD_FIELDS).lean<Candidate[]>()))).flat();
  const wanted = nationality?.trim().toUpperCase();
  const records = [...new Map(found.map((r) => [r.recordId, r])).values()]
    .filter((r) => isVietnamese(r.nationality) !== true)
    .filter((r) => !wanted || (r.nationality ?? '').trim().toUpperCase() === wanted);
  const views = await mapLimit(records, LOOKUPS, async (rec) => doseView(models, rec, await latestResult(models, rec.recordId)));
  return decide('passport', views, new Set(['exempt', 'verified']));
}
