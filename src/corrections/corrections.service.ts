import type { Store } from '../db/store.js';
import { readDoseRecord, readWholeDoseRecord } from '../db/repositories/dose-records.repository.js';
import {
  applyToRecord, claimRecord, deleteCorrection, findCorrectionByKey, insertCorrection, linkToCorrectionRound, setCorrectionStatus, signOffRequired,
  type CorrectionRow,
} from '../db/repositories/corrections.repository.js';
import { communeCycle, latestResult } from '../db/repositories/worklist.repository.js';
import { correctionKey, validateCorrection, type CorrectionInput, type FieldChange, type FieldProblem } from '../domain/corrections/index.js';
import type { CorrectionStatus } from '../domain/corrections/types.js';
import { recordCorrection } from '../db/repositories/record-state.repository.js';
import type { Corrections } from '../domain/records.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors/index.js';
import type { Logger } from '../lib/logger.js';
import { createCorrectionRound } from '../rounds/correction-round.service.js';
import type { RoundCreationDeps } from '../rounds/round-creation.service.js';

/** Round creation's deps (correction rounds; `events` tells a round's one writer of an explanation). */
export interface CorrectionsDeps extends RoundCreationDeps {
  /** Campaign default for the commune police's sign-off (CORRECTION_SIGNOFF_REQUIRED). */
  signOffDefault: boolean;
  log: Logger;
}

export interface SubmitOptions {
  source: 'api' | 'upload';
  row?: number;
  /** Communes the record must belong to (an upload for a locality). */
  communes?: ReadonlySet<string>;
  /** Per-commune look-ups shared by the rows of one upload (sign-off setting, current round). */
  memo?: Map<string, Promise<unknown>>;
}

export interface SubmitResult {
  correction: CorrectionRow;
  /** False when the same correction had been stored before (idempotent resubmission). */
  created: boolean;
  communeCode: string;
  /** Record values changed: it needs re-verification. */
  applied: boolean;
}

const problemsError = (recordId: string, problems: FieldProblem[]) =>
  new ValidationError(`record ${recordId}: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`, { recordId, problems });

/**
 * Validate and store one correction with its audit entry, then apply it to the record under
 * optimistic concurrency (one conditional update on the record's version and claim). Order: the
 * correction is stored `pending` first, so a record is never changed without its history; a lost
 * race deletes the pending entry and answers 409. A correction awaiting the police's sign-off
 * claims the record version instead (the same conditional update, without the change).
 */
export async function submitCorrection(deps: CorrectionsDeps, input: CorrectionInput, opts: SubmitOptions): Promise<SubmitResult> {
  const { store } = deps;
  const now = deps.now?.() ?? new Date();
  const key = correctionKey(input);
  const record = await readWholeDoseRecord(store, input.recordId);
  // Another locality's record answers exactly as a missing one: the upload is no existence oracle.
  if (!record || (opts.communes && !opts.communes.has(record.communeCode))) {
    throw new NotFoundError(`record ${input.recordId} not found`, { recordId: input.recordId, field: 'recordId' });
  }
  const hasVersion = typeof record.version === 'number';
  const version = record.version ?? 0;

  const existing = await findCorrectionByKey(store, key);
  if (existing) return settleExisting(deps, existing as CorrectionRow, record.communeCode, version, hasVersion);

  if (input.baseVersion !== version) {
    throw new ConflictError(`record ${input.recordId} was changed since version ${input.baseVersion} (now ${version}): export the worklist again`, {
      recordId: input.recordId, baseVersion: input.baseVersion, currentVersion: version,
    });
  }
  const memo = opts.memo ?? new Map<string, Promise<unknown>>();
  const once = <T>(k: string, f: () => Promise<T>) => {
    if (!memo.has(k)) memo.set(k, f());
    return memo.get(k) as Promise<T>;
  };
  const needsSignOff = await once(`signoff:${record.communeCode}`, () => signOffRequired(store, record.communeCode, deps.signOffDefault));
  const latest = await latestResult(store, input.recordId);
  const entered = {
    idNumber: record.idNumber ?? '', fullName: record.fullName ?? '', dateOfBirth: record.dateOfBirth ?? '',
    gender: record.gender ?? '', nationality: record.nationality ?? '',
  };
  const { changes, problems } = validateCorrection(input, entered, latest?.corrections as Corrections | undefined, now);
  if (problems.length) throw problemsError(input.recordId, problems);
  if (input.decision === 'confirm' && changes.length === 0) {
    throw problemsError(input.recordId, [{ field: 'decision', reason: 'nothing to change: the record already holds these values', code: 'v.nothing_to_change' }]);
  }
  const cycle = await once(`cycle:${record.communeCode}`, () => communeCycle(store, record.communeCode));
  const roundId = cycle.verification?._id ?? null;
  const applies = changes.length > 0;
  // In a sign-off locality a value change waits for a different commune_police identity (sign-off.service.ts).
  const status = applies ? (needsSignOff ? 'awaiting_signoff' : 'pending') : input.decision === 'explain' ? 'explained' : 'rejected';
  const doc0 = {
    key, recordId: input.recordId, communeCode: record.communeCode, roundId,
    decision: input.decision, status, changes, explanation: input.explanation?.trim() || null,
    baseVersion: version, newVersion: applies ? version + 1 : version,
    officer: input.officer, signOff: null,
    source: opts.source, row: opts.row ?? null,
  };
  const { doc, created } = await insertCorrection(store, doc0);
  if (!created) return settleExisting(deps, doc, record.communeCode, version, hasVersion);

  if (status === 'awaiting_signoff') {
    if (!(await claimRecord(store, input.recordId, version, hasVersion, String(doc._id)))) {
      await deleteCorrection(store, doc._id);
      throw conflict(input.recordId, version, await currentVersion(store, input.recordId, version));
    }
    await noteCorrection(store, doc, 'awaiting_signoff');
    deps.log.info({ recordId: input.recordId, fields: changes.map((c) => c.field), source: opts.source }, 'correction awaits the police sign-off');
    return { correction: doc, created: true, communeCode: record.communeCode, applied: false };
  }
  if (applies) {
    if (!(await applyToRecord(store, input.recordId, version, hasVersion, changes))) {
      await deleteCorrection(store, doc._id);
      throw conflict(input.recordId, version, await currentVersion(store, input.recordId, version));
    }
    await setCorrectionStatus(store, doc._id, 'applied');
    doc.status = 'applied';
    await noteCorrection(store, doc, 'applied');
  } else {
    await noteCorrection(store, doc, status as CorrectionStatus);
    // The round's explained count moves: its one writer settles it (a worker, not this request).
    if (status === 'explained' && roundId) await deps.events.changed(roundId);
  }
  // Values only in the audit trail: log IDs and field names, never the values themselves.
  deps.log.info({ recordId: input.recordId, decision: input.decision, fields: changes.map((c) => c.field), source: opts.source }, 'correction stored');
  return { correction: doc, created: true, communeCode: record.communeCode, applied: applies };
}

const conflict = (recordId: string, baseVersion: number, currentVersion: number) =>
  new ConflictError(`record ${recordId} was changed by someone else (version ${baseVersion} → ${currentVersion}): export the worklist again`, {
    recordId, baseVersion, currentVersion,
  });

/** The record's current state learns its newest correction's status (record-state.repository.ts). */
export const noteCorrection = (store: Store, c: Pick<CorrectionRow, '_id' | 'recordId' | 'communeCode' | 'createdAt'>, status: CorrectionStatus) =>
  recordCorrection(store, c.recordId, c.communeCode, { id: String(c._id), status, at: new Date(c.createdAt) });

const currentVersion = async (store: Store, recordId: string, fallback: number) =>
  (await readDoseRecord(store, recordId, ['version']))?.version ?? fallback;

/**
 * A resubmitted correction: nothing new, but finish what a crash interrupted: a pending one is
 * applied, one awaiting the sign-off claims its record version (both conditional, so a record
 * another correction changed or holds is left alone).
 */
async function settleExisting(deps: CorrectionsDeps, doc: CorrectionRow, communeCode: string, version: number, hasVersion: boolean): Promise<SubmitResult> {
  if (doc.status === 'awaiting_signoff' && version === doc.baseVersion) {
    await claimRecord(deps.store, doc.recordId, version, hasVersion, String(doc._id));
    await noteCorrection(deps.store, doc, 'awaiting_signoff');
  }
  // Stored but its process died before changing the record: apply it now (same conditional update).
  if (doc.status === 'pending' && version === doc.baseVersion && (await applyToRecord(deps.store, doc.recordId, version, hasVersion, doc.changes as FieldChange[]))) {
    version = doc.newVersion;
  }
  if (doc.status === 'pending' && version >= doc.newVersion) {
    await setCorrectionStatus(deps.store, doc._id, 'applied');
    doc.status = 'applied';
    await noteCorrection(deps.store, doc, 'applied');
  }
  return { correction: doc, created: false, communeCode, applied: doc.status === 'applied' && !doc.correctionRoundId };
}

/** Enqueue one correction round per commune for the records just corrected, and link the corrections to it. */
export async function enqueueForApplied(deps: CorrectionsDeps, results: SubmitResult[]): Promise<string[]> {
  const byCommune = new Map<string, SubmitResult[]>();
  for (const r of results) if (r.applied) byCommune.set(r.communeCode, [...(byCommune.get(r.communeCode) ?? []), r]);
  const rounds: string[] = [];
  for (const [commune, list] of byCommune) {
    const { id } = await createCorrectionRound(deps, commune, list.map((r) => r.correction.recordId));
    await linkToCorrectionRound(deps.store, list.map((r) => r.correction._id), id);
    for (const r of list) r.correction.correctionRoundId = id;
    rounds.push(id);
  }
  return rounds;
}

/** Audit view of a correction for the API (the key is internal). */
export function correctionView(c: CorrectionRow) {
  const { key: _key, __v: _v, ...rest } = c as CorrectionRow & { __v?: number };
  return rest;
}
