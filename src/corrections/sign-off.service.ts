import type { Store } from '../db/store.js';
import { readDoseRecord } from '../db/repositories/dose-records.repository.js';
import {
  applyToRecord, claimRecord, findCorrectionById, listCorrections, recordsReverified, releaseRecord, revertRecord, reverifiedSince, transitionCorrection, type CorrectionRow,
} from '../db/repositories/corrections.repository.js';
import { isInstructionsCell, parseSignOff, signOffRows, SIGN_OFF_DECISIONS, type SignOffDecision } from '../domain/corrections/sign-off-sheet.js';
import { SIGN_OFF_ROLE } from '../domain/corrections/index.js';
import type { FieldChange } from '../domain/corrections/types.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../lib/errors/index.js';
import { enqueueForApplied, correctionView, noteCorrection, type CorrectionsDeps, type SubmitResult } from './corrections.service.js';
import { resolveCommunes } from '../rounds/rounds.service.js';
import { readWorksheet } from './worksheet-files.js';

export { SIGN_OFF_DECISIONS, type SignOffDecision };

/** The signing police officer, from the access token. */
export interface Signer { sub: string; name: string }

export interface SignOffResult {
  correction: CorrectionRow;
  /** False when this signer had already decided it the same way (a retried request). */
  changed: boolean;
  applied: boolean;
  correctionRound: string | null;
}

/**
 * The commune police's step of the hand-off: a correction stored `awaiting_signoff` is applied
 * only when a commune_police identity other than the submitting officer approves it. Refusing
 * frees the record version for another correction. `communes` limits it to one locality's
 * corrections (the worksheet upload).
 */
export async function signOffCorrection(
  deps: CorrectionsDeps, id: string, signer: Signer, decision: SignOffDecision, communes?: ReadonlySet<string>,
): Promise<SignOffResult> {
  const { store } = deps;
  const now = deps.now?.() ?? new Date();
  const c = await findCorrectionById(store, id);
  if (!c || (communes && !communes.has(c.communeCode))) throw new NotFoundError(`no correction ${id} in this locality`, { field: 'correctionId' });
  if (c.officer?.sub && c.officer.sub === signer.sub) {
    throw new ForbiddenError('the officer who submitted a correction cannot sign it off: another commune police identity must', { correctionId: id });
  }
  if (c.status !== 'awaiting_signoff') {
    const same = c.signOff?.sub === signer.sub && c.signOff?.decision === decision;
    if (same) return { correction: c, changed: false, applied: false, correctionRound: c.correctionRoundId ?? null };
    throw new ConflictError(`correction ${id} is ${c.status}, not awaiting a sign-off`, { correctionId: id, status: c.status });
  }
  const signOff = { by: signer.name, sub: signer.sub, role: SIGN_OFF_ROLE, at: now, decision };
  if (decision === 'refuse') {
    if (!(await transitionCorrection(store, c._id, 'awaiting_signoff', { status: 'refused', signOff }))) throw raced(id);
    // The record version is free again: another correction of it may follow.
    await releaseRecord(store, c.recordId, String(c._id));
    await noteCorrection(store, c, 'refused');
    deps.log.info({ correctionId: id, recordId: c.recordId }, 'correction refused at sign-off');
    return { correction: { ...c, status: 'refused', signOff } as CorrectionRow, changed: true, applied: false, correctionRound: null };
  }
  if (!(await transitionCorrection(store, c._id, 'awaiting_signoff', { status: 'pending', signOff }))) throw raced(id);
  const record = await readDoseRecord(store, c.recordId, ['version']);
  const hasVersion = typeof record?.version === 'number';
  if (!record || !(await applyToRecord(store, c.recordId, c.baseVersion, hasVersion, c.changes as never, String(c._id)))) {
    await transitionCorrection(store, c._id, 'pending', { status: 'superseded' });
    await releaseRecord(store, c.recordId, String(c._id));
    await noteCorrection(store, c, 'superseded');
    throw new ConflictError(`record ${c.recordId} changed since the correction was submitted: nothing applied; submit it again from a new export`, {
      correctionId: id, recordId: c.recordId, baseVersion: c.baseVersion, currentVersion: record?.version ?? null,
    });
  }
  await transitionCorrection(store, c._id, 'pending', { status: 'applied' });
  await noteCorrection(store, c, 'applied');
  const applied: SubmitResult = { correction: { ...c, status: 'applied', signOff } as CorrectionRow, created: true, communeCode: c.communeCode, applied: true };
  const [round] = await enqueueForApplied(deps, [applied]);
  deps.log.info({ correctionId: id, recordId: c.recordId, fields: (c.changes ?? []).map((x) => x.field) }, 'correction signed off and applied');
  return { correction: applied.correction, changed: true, applied: true, correctionRound: round ?? null };
}

const raced = (id: string) => new ConflictError(`correction ${id} was decided by someone else meanwhile`, { correctionId: id });

export async function localityCorrections(store: Store, code: string, status: Parameters<typeof listCorrections>[2], limit: number, opts: { undoable?: boolean } = {}) {
  const communes = await resolveCommunes(store, [code]);
  let rows = await listCorrections(store, communes, status, limit);
  if (opts.undoable) {
    // The police's approvals they may still take back: applied by an approval, the record not verified again since.
    rows = rows.filter((c) => c.status === 'applied' && c.signOff?.decision === 'approve');
    const gone = await recordsReverified(store, rows.map((c) => ({ recordId: c.recordId, since: c.signOff!.at! })));
    rows = rows.filter((c) => !gone.has(c.recordId));
  }
  return rows.map((c) => ({ ...correctionView(c), id: String(c._id) }));
}

/** The police's sheet in Vietnamese: one row per changed field of each correction awaiting the sign-off (≤ 10,000 corrections: read at once, counted before sending). */
export async function signOffSheet(store: Store, code: string): Promise<Record<string, string>[]> {
  return (await localityCorrections(store, code, 'awaiting_signoff', 10_000)).flatMap((c) => signOffRows(c));
}

export interface UndoResult {
  correction: CorrectionRow;
  /** The decision taken back; null when nothing changed (already undone: a double click, a retry). */
  undone: SignOffDecision | null;
}

/**
 * Take back the police's decision while nothing came of it (issue 28); the correction waits for
 * the police again, holding its record. A refusal: unless another correction of the record, or a
 * change of it, came meanwhile. An approval: only while the record has not been re-verified (no
 * verification result newer than the approval) and is still as the approval left it; its values
 * go back out of the record (revertRecord). A correction already waiting again after an undo is
 * answered unchanged. Refusals say why (409, their catalogue key as the error code).
 */
export async function undoSignOff(deps: CorrectionsDeps, id: string, signer: Signer): Promise<UndoResult> {
  const c = await findCorrectionById(deps.store, id);
  if (!c) throw new NotFoundError(`no correction ${id}`);
  if (c.status === 'awaiting_signoff' && c.undo) return { correction: c, undone: null };
  const undo = { by: signer.name, sub: signer.sub, at: deps.now?.() ?? new Date() };
  if (c.status === 'refused') return { correction: await undoRefusal(deps, c, undo), undone: 'refuse' };
  if (c.status === 'applied' && c.signOff?.decision === 'approve') return { correction: await undoApproval(deps, c, undo), undone: 'approve' };
  throw new AppError('undo_not_decided', `correction ${id} is ${c.status}: only a police decision can be undone`, 409, { correctionId: id, status: c.status });
}

type Undo = { by: string; sub: string; at: Date };

async function undoRefusal(deps: CorrectionsDeps, c: CorrectionRow, undo: Undo): Promise<CorrectionRow> {
  const { store } = deps;
  const id = String(c._id);
  const record = await readDoseRecord(store, c.recordId, ['version']);
  if (!record || !(await claimRecord(store, c.recordId, c.baseVersion, typeof record.version === 'number', id))) {
    throw new ConflictError(`record ${c.recordId} changed or has another correction since the refusal: it cannot be undone`, { correctionId: id, code: 'v.sign_off_changed' });
  }
  const set = { status: 'awaiting_signoff', signOff: null, undo: { ...undo, decision: 'refuse' } };
  if (!(await transitionCorrection(store, c._id, 'refused', set))) {
    await releaseRecord(store, c.recordId, id);
    throw raced(id);
  }
  await noteCorrection(store, c, 'awaiting_signoff');
  deps.log.info({ correctionId: id, recordId: c.recordId }, 'sign-off refusal undone');
  return { ...c, ...set } as CorrectionRow;
}

/**
 * The approval's window: until the record is re-verified. The check is made before the record is
 * touched and again after: a correction round's chunk that verified the approved values in
 * between puts them back (the record at the next version, the correction applied as it was), and
 * the undo is refused as if it had come later.
 */
async function undoApproval(deps: CorrectionsDeps, c: CorrectionRow, undo: Undo): Promise<CorrectionRow> {
  const { store } = deps;
  const id = String(c._id);
  const approvedAt = c.signOff?.at ?? c.createdAt;
  const reverified = () => new AppError('undo_reverified', `record ${c.recordId} was verified again after the approval: the approval stands`, 409, { correctionId: id });
  if (await reverifiedSince(store, c.recordId, approvedAt)) throw reverified();
  const applied = c.baseVersion + 1;
  const changes = (c.changes ?? []) as FieldChange[];
  if (!(await revertRecord(store, c.recordId, applied, changes, id))) {
    throw new AppError('undo_changed', `record ${c.recordId} changed after the approval: it cannot be undone`, 409, { correctionId: id });
  }
  const set = { status: 'awaiting_signoff', signOff: null, baseVersion: applied + 1, newVersion: applied + 2, correctionRoundId: null, undo: { ...undo, decision: 'approve' } };
  const putBack = () => applyToRecord(store, c.recordId, applied + 1, true, changes, id);
  if (!(await transitionCorrection(store, c._id, 'applied', set))) {
    await putBack();
    throw raced(id);
  }
  if (await reverifiedSince(store, c.recordId, approvedAt)) {
    await putBack();
    await transitionCorrection(store, c._id, 'awaiting_signoff', { status: 'applied', signOff: c.signOff, baseVersion: c.baseVersion, newVersion: c.newVersion, correctionRoundId: c.correctionRoundId ?? null, undo: null });
    throw reverified();
  }
  await noteCorrection(store, c, 'awaiting_signoff');
  deps.log.info({ correctionId: id, recordId: c.recordId, fields: changes.map((x) => x.field) }, 'sign-off approval undone');
  return { ...c, ...set } as CorrectionRow;
}

/** Catalogue keys of the sign-off's refusals, for the page's row-level result panel. */
const REJECTION_KEYS: Record<string, string> = { not_found: 'v.sign_off_not_found', conflict: 'v.sign_off_decided', forbidden: 'v.sign_off_self' };

export interface SignOffUploadReport {
  rows: number;
  skipped: number;
  approved: number;
  refused: number;
  unchanged: number;
  rejected: { row: number; correctionId?: string; recordId?: string; field: string; reason: string; code: string; key?: string; params?: Record<string, string> }[];
  correctionRounds: string[];
}

/** The police's filled sign-off sheet (CSV or XLSX): each row's decision on its correction, one by one. */
export async function uploadSignOffSheet(deps: CorrectionsDeps, code: string, file: Buffer, signer: Signer, limits: { maxRows: number }): Promise<SignOffUploadReport> {
  const communes = new Set(await resolveCommunes(deps.store, [code]));
  const report: SignOffUploadReport = { rows: 0, skipped: 0, approved: 0, refused: 0, unchanged: 0, rejected: [], correctionRounds: [] };
  const decided = new Map<string, SignOffDecision>();
  const rows = [];
  for await (const row of readWorksheet(file, { maxRows: limits.maxRows, keyColumn: 'correctionId' })) rows.push(row);
  for (const row of rows) {
    report.rows++;
    if (row.error) { report.rejected.push({ row: row.row, field: 'row', reason: row.error, code: 'unreadable', key: 'v.unreadable' }); continue; }
    const id = String(row.cells?.correctionId ?? '').trim();
    // The instructions row under the header is not a decision.
    if (isInstructionsCell(id)) { report.rows--; continue; }
    const recordId = String(row.cells?.recordId ?? '').trim() || undefined;
    const text = String(row.cells?.signOff ?? '').trim();
    if (!text) { report.skipped++; continue; }
    const decision = parseSignOff(text);
    if (!decision) { report.rejected.push({ row: row.row, correctionId: id, recordId, field: 'signOff', reason: `must be Phê duyệt or Không phê duyệt (approve or refuse)`, code: 'validation_failed', key: 'v.sign_off_word', params: { v: text.slice(0, 40) } }); continue; }
    // A correction changing several fields has several rows: one decision per correction.
    const before = decided.get(id);
    if (before) {
      if (before !== decision) report.rejected.push({ row: row.row, correctionId: id, recordId, field: 'signOff', reason: `the correction's other rows say ${before}`, code: 'validation_failed', key: 'v.sign_off_split', params: { other: before === 'approve' ? 'Phê duyệt' : 'Không phê duyệt' } });
      continue;
    }
    decided.set(id, decision);
    try {
      const r = await signOffCorrection(deps, id, signer, decision, communes);
      if (!r.changed) report.unchanged++;
      else if (decision === 'approve') report.approved++;
      else report.refused++;
      if (r.correctionRound && !report.correctionRounds.includes(r.correctionRound)) report.correctionRounds.push(r.correctionRound);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const key = (err.details as { code?: string } | undefined)?.code ?? (err.code === 'conflict' && /changed since/.test(err.message) ? 'v.sign_off_changed' : REJECTION_KEYS[err.code]);
      report.rejected.push({ row: row.row, correctionId: id, recordId, field: 'correctionId', reason: err.message, code: err.code, ...(key ? { key } : {}) });
    }
  }
  return report;
}
