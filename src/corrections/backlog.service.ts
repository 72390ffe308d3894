import { Readable } from 'node:stream';
import type { Store } from '../db/store.js';
import { communesBacklog, readDoseReport, saveDoseReport, type BacklogRow } from '../db/repositories/backlog.repository.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { communeCycle } from '../db/repositories/worklist.repository.js';
import { isFinal } from '../domain/rounds/lifecycle.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import { RecordFormatError, readRecords } from '../lib/io/index.js';
import { ConflictError, ValidationError } from '../lib/errors/index.js';
import { resolveCommunes } from '../rounds/rounds.service.js';
import type { RoundEvents } from '../rounds/round-events.js';

export interface BacklogDeps {
  store: Store;
  /** A report changes the round's expected records: its one writer settles it again. */
  events: RoundEvents;
  now?: () => Date;
}

export interface DoseReportInput {
  facilityId: string;
  communeCode: string;
  day: string;
  administered: number;
  reportedBy?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Problems of one report (field and reason); empty when valid. Pure. */
export function checkDoseReport(r: Partial<Record<keyof DoseReportInput, unknown>>, now: Date): { field: string; reason: string }[] {
  const out: { field: string; reason: string }[] = [];
  if (typeof r.facilityId !== 'string' || !/^[\w.-]{1,64}$/.test(r.facilityId)) out.push({ field: 'facilityId', reason: 'letters, digits, _ . - (1–64)' });
  if (typeof r.communeCode !== 'string' || !/^\d{5}$/.test(r.communeCode)) out.push({ field: 'communeCode', reason: 'a 5-digit commune code' });
  const day = typeof r.day === 'string' ? r.day : '';
  const t = Date.parse(`${day}T00:00:00Z`);
  if (!DAY.test(day) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) out.push({ field: 'day', reason: 'a date YYYY-MM-DD' });
  else if (t > now.getTime()) out.push({ field: 'day', reason: 'in the future' });
  const n = typeof r.administered === 'string' && r.administered.trim() !== '' ? Number(r.administered) : r.administered;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1_000_000) out.push({ field: 'administered', reason: 'a whole number from 0' });
  return out;
}

/**
 * Upsert on the natural key (communeCode, facilityId, day). A facility belongs to one commune:
 * a facility another commune already reports is refused (409, naming nothing of the other
 * commune), and the unique (facilityId, day) index refuses the same race atomically.
 */
async function saveReport(store: Store, r: DoseReportInput) {
  if ((await localitiesRepository(store).byCode(r.communeCode))?.level !== 'commune') {
    throw new ValidationError(`communeCode: unknown commune ${r.communeCode}`, { problems: [{ field: 'communeCode', reason: 'unknown commune' }] });
  }
  const saved = await saveDoseReport(store, r, { administered: Number(r.administered), reportedBy: r.reportedBy ?? null });
  if (saved === 'taken') throw new ConflictError(`facility ${r.facilityId} belongs to another commune`, { field: 'facilityId' });
}

/** Upsert one report on (communeCode, facilityId, day) and feed the commune's round; `reportedBy` is the caller's identity. */
export async function reportDoses(deps: BacklogDeps, r: DoseReportInput, reporter: string) {
  const problems = checkDoseReport(r, deps.now?.() ?? new Date());
  if (problems.length) throw new ValidationError(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), { problems });
  await saveReport(deps.store, { ...r, reportedBy: reporter });
  await feedExpected(deps, r.communeCode);
  return readDoseReport(deps.store, r);
}

/** CSV upload (`facilityId,communeCode,day,administered`): bad lines reported, the rest saved; `reportedBy` is the uploader (a reportedBy column is ignored). */
export async function uploadDoseReports(deps: BacklogDeps, file: Buffer, reporter: string) {
  const now = deps.now?.() ?? new Date();
  const rejected: { row: number; field: string; reason: string }[] = [];
  const communes = new Set<string>();
  let saved = 0;
  for await (const r of readUpload(file)) {
    if (!r.record) { rejected.push({ row: r.line, field: r.error?.field ?? '(row)', reason: r.error?.reason ?? 'unreadable' }); continue; }
    const rec = Object.fromEntries(Object.entries(r.record).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])) as Record<string, unknown>;
    const problems = checkDoseReport(rec, now);
    if (problems.length) { for (const p of problems) rejected.push({ row: r.line, ...p }); continue; }
    const input = { ...rec, administered: Number(rec.administered), reportedBy: reporter } as unknown as DoseReportInput;
    try {
      await saveReport(deps.store, input);
    } catch (err) {
      if (err instanceof ConflictError) { rejected.push({ row: r.line, field: 'facilityId', reason: 'belongs to another commune' }); continue; }
      if (!(err instanceof ValidationError)) throw err;
      rejected.push({ row: r.line, field: 'communeCode', reason: 'unknown commune' });
      continue;
    }
    saved++;
    communes.add(input.communeCode);
  }
  for (const c of communes) await feedExpected(deps, c);
  return { saved, rejected };
}

/** The upload's rows; a file that is not a CSV with a header (an XLSX, garbage) is a 400, not a 500. */
async function* readUpload(file: Buffer) {
  try {
    yield* readRecords(Readable.from([file]), { format: 'csv' });
  } catch (err) {
    if (err instanceof RecordFormatError) throw new ValidationError(`the upload is not a readable CSV: ${err.message}`, { field: '(file)' });
    throw err;
  }
}

export type { BacklogRow };

const totals = (rows: BacklogRow[]) => rows.reduce(
  (t, r) => ({ reported: t.reported + (r.reported ?? 0), entered: t.entered + r.entered, gap: t.gap + r.gap }),
  { reported: 0, entered: 0, gap: 0 },
);

/** A locality's backlog: rows per commune, facility and day, totals per commune and overall. */
export async function localityBacklog(store: Store, code: string) {
  const communes = await resolveCommunes(store, [code]);
  const rows = await communesBacklog(store, communes);
  const byCommune = new Map<string, BacklogRow[]>(communes.map((c) => [c, []]));
  for (const r of rows) byCommune.get(r.communeCode)?.push(r);
  const per = communes.map((c) => ({ communeCode: c, rows: byCommune.get(c)! }));
  const items = per.flatMap((p) => p.rows);
  return {
    items,
    communes: per.map((p) => ({ communeCode: p.communeCode, ...totals(p.rows) })),
    total: totals(items),
  };
}

/**
 * Feed the completion rule: the commune's current verification round is settled again (by its
 * one writer, a `rounds` worker), which recomputes its `expectedRecords` (entered records plus the reported gap; counted only when
 * COMPLETION_COUNTS_BACKLOG is on) with its counters.
 */
export async function feedExpected(deps: BacklogDeps, communeCode: string): Promise<void> {
  const { verification } = await communeCycle(deps.store, communeCode);
  if (!verification || isFinal(verification.status as RoundStatus)) return;
  await deps.events.changed(verification._id);
}
