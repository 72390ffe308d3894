import type { Store } from '../db/store.js';
import { worklistCount, worklistPage, type WorklistQuery } from '../db/repositories/worklist.repository.js';
import { readWorksheetRow, type WorklistItem } from '../domain/corrections/index.js';
import { AppError } from '../lib/errors/index.js';
import { mapLimit } from '../lib/concurrency.js';
import { enqueueForApplied, submitCorrection, type CorrectionsDeps, type SubmitResult } from './corrections.service.js';
import { resolveCommunes } from '../rounds/rounds.service.js';
import { readWorksheet } from './worksheet-files.js';
import { facilityNames } from '../facilities/facilities.service.js';

/** Communes paged at once for a district or province worklist. */
const COMMUNES_IN_FLIGHT = 4;

/**
 * A locality's worklist page in recordId order. A district or province merges its communes'
 * pages (each commune's page is already in recordId order). `withCounts` (a first page): how many
 * items the list holds per outcome and in all, counted beside each commune's page, not after it.
 */
export async function listWorklist(store: Store, code: string, q: WorklistQuery, opts: { withCounts?: boolean } = {}) {
  const communes = await resolveCommunes(store, [code]);
  const pages = await mapLimit(communes, COMMUNES_IN_FLIGHT, (c) => worklistPage(store, c, q, opts));
  const items = pages.flatMap((p) => p.items).sort((a, b) => (a.recordId < b.recordId ? -1 : 1)).slice(0, q.limit);
  // The sites' names from the facility register: one `$in` read per page.
  const names = await facilityNames(store, items.map((i) => i.facilityId));
  for (const i of items) if (i.facilityId && names.has(i.facilityId)) i.facilityName = names.get(i.facilityId)!;
  const next = items.length === q.limit ? items[items.length - 1]!.recordId : null;
  if (!opts.withCounts) return { items, next };
  const counts: Record<string, number> = {};
  for (const p of pages) for (const [k, n] of Object.entries(p.counts ?? {})) counts[k] = (counts[k] ?? 0) + n;
  // What the list holds in all by its own outcome filter: the officer's headline and its sub-line (issue 28).
  const total = q.outcome ? counts[q.outcome] ?? 0 : Object.values(counts).reduce((a, b) => a + b, 0);
  return { items, next, total, counts };
}

/** How many items an export of the locality's worklist will send (the access log's `promised`). */
export async function countWorklist(store: Store, code: string, q: Omit<WorklistQuery, 'limit' | 'after'>): Promise<number> {
  const communes = await resolveCommunes(store, [code]);
  const counts = await mapLimit(communes, COMMUNES_IN_FLIGHT, (c) => worklistCount(store, c, q));
  return counts.reduce((a, b) => a + b, 0);
}

/** Every worklist item of a locality, page by page (for the CSV/XLSX export). */
export async function* iterateWorklist(store: Store, code: string, q: Omit<WorklistQuery, 'limit' | 'after'>): AsyncGenerator<WorklistItem> {
  // Pages of 500: one round of equality look-ups per page, bounded memory.
  let after: string | undefined;
  for (;;) {
    const page = await listWorklist(store, code, { ...q, limit: 500, ...(after ? { after } : {}) });
    yield* page.items;
    if (!page.next) return;
    after = page.next;
  }
}

export interface RowRejection {
  row: number;
  recordId?: string;
  field: string;
  reason: string;
  code: string;
  /** The catalogue key people read (src/domain/i18n) and its parameters. */
  key?: string;
  params?: Record<string, string | number>;
}

export interface UploadReport {
  rows: number;
  skipped: number;
  applied: number;
  explained: number;
  /** Stored, waiting for the commune police's sign-off (not applied yet). */
  awaitingSignOff: number;
  rejectedDecisions: number;
  /** Rows stored before (a re-uploaded sheet): nothing done twice. */
  duplicates: number;
  rejected: RowRejection[];
  correctionRounds: string[];
}

/**
 * Apply a filled worksheet: every row validated on its own; bad rows are reported with their
 * row number, field and reason; valid rows are applied; one correction round per commune
 * re-verifies the changed records. Re-uploading the same sheet changes nothing (natural keys).
 */
export async function uploadWorksheet(
  deps: CorrectionsDeps, code: string, file: Buffer, officer: { name: string; sub: string }, limits: { maxRows?: number } = {},
): Promise<UploadReport> {
  const communes = new Set(await resolveCommunes(deps.store, [code]));
  const report: UploadReport = { rows: 0, skipped: 0, applied: 0, explained: 0, awaitingSignOff: 0, rejectedDecisions: 0, duplicates: 0, rejected: [], correctionRounds: [] };
  const results: SubmitResult[] = [];
  const memo = new Map<string, Promise<unknown>>();
  // Read (and count) the whole sheet first: a sheet over the row cap changes nothing.
  const rows = [];
  for await (const sheetRow of readWorksheet(file, { maxRows: limits.maxRows })) rows.push(sheetRow);
  // Who corrected is the signed-in identity: the sheet's officerName, officerRole and signedOffBy columns are not trusted.
  const submitter = { name: officer.name, role: 'health_station' as const, sub: officer.sub };
  for (const sheetRow of rows) {
    report.rows++;
    if (sheetRow.error) {
      report.rejected.push({ row: sheetRow.row, field: '(row)', reason: sheetRow.error, code: 'unreadable', key: 'v.unreadable_row' });
      continue;
    }
    const read = readWorksheetRow({ ...sheetRow.cells!, officerName: submitter.name, officerRole: submitter.role, signedOffBy: '' }, {}, sheetRow);
    if (read.kind === 'skip') { report.skipped++; continue; }
    if (read.kind === 'problems') {
      for (const { code: key, ...p } of read.problems) report.rejected.push({ row: sheetRow.row, recordId: read.recordId, ...p, code: 'validation_failed', ...(key ? { key } : {}) });
      continue;
    }
    try {
      const r = await submitCorrection(deps, { ...read.input, officer: submitter }, { source: 'upload', row: sheetRow.row, communes, memo });
      if (!r.created) report.duplicates++;
      else if (r.correction.status === 'awaiting_signoff') report.awaitingSignOff++;
      else if (r.correction.status === 'applied') report.applied++;
      else if (r.correction.status === 'explained') report.explained++;
      else report.rejectedDecisions++;
      results.push(r);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const details = err.details as { problems?: { field: string; reason: string; code?: string; params?: Record<string, string | number> }[]; field?: string; baseVersion?: number; currentVersion?: number } | undefined;
      const recordId = read.input.recordId;
      // Errors without a problem list: a stale version (409) or an unknown record (404).
      const key = err.status === 409 ? 'v.stale' : err.status === 404 ? 'v.record_not_found' : 'v.invalid';
      const params: Record<string, string | number> = err.status === 409 ? { base: details?.baseVersion ?? '', current: details?.currentVersion ?? '' } : { recordId };
      const problems = details?.problems ?? [{ field: details?.field ?? (err.status === 409 ? 'baseVersion' : 'recordId'), reason: err.message, code: key, params }];
      for (const p of problems) report.rejected.push({ row: sheetRow.row, recordId, field: p.field, reason: p.reason, code: err.code, ...(p.code ? { key: p.code } : {}), ...(p.params ? { params: p.params } : {}) });
    }
  }
  report.correctionRounds = await enqueueForApplied(deps, results);
  return report;
}
