import type { Store } from '../db/store.js';
import { upsertFacilityRows, type UpsertCounts } from '../db/repositories/bulk-upsert.repository.js';
import { dropMovedFacilityHeads, saveContacts } from '../db/repositories/contacts.repository.js';
import { existingCommunes, facilitiesById, facilitiesOfCommune, facilityWorkload } from '../db/repositories/facilities.repository.js';
import { text } from '../domain/i18n/index.js';
import { parseFacilitiesCsv, type FacilityInput, type FacilityReject } from './facilities-csv.js';

/** Rows written per bulk write (a register is a few thousand sites per province). */
const BATCH = 1000;
/** Refused rows listed in an answer (all are counted): the answer stays small whatever the file. */
const MAX_LISTED = 100;
const FIELDS = ['facilityId', 'name', 'communeCode', 'headName', 'headTitle', 'headPhone'] as const;

export interface FacilityImportReport extends UpsertCounts {
  rows: number;
  rejected: number;
  /** The first refused rows, each naming its line and problem in Vietnamese. */
  rejects: FacilityReject[];
  /** Heads written as contacts of their commune (escalations reach them). */
  heads: number;
}

/** A head's contact role: one per facility under the contacts' natural key (localityCode, level, role). */
export const facilityHeadRole = (facilityId: string) => `facility-head-${facilityId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 46)}`;

/**
 * Import the facility register: every valid row is upserted on its facility ID (a re-import
 * changes what changed, inserts what is new), rows naming an unknown commune are refused like
 * malformed ones, and each head becomes a contact of the facility's commune at commune level, so
 * the commune's reminders and escalations reach them. Nothing valid is lost to a bad row.
 */
export async function importFacilities(store: Store, csv: string): Promise<FacilityImportReport> {
  const parsed = parseFacilitiesCsv(csv);
  const known = await existingCommunes(store, parsed.facilities.map((f) => f.communeCode));
  const rejects = [...parsed.rejects];
  const good: FacilityInput[] = [];
  for (const f of parsed.facilities) {
    if (known.has(f.communeCode)) good.push(f);
    else rejects.push({ line: f.line, key: 'fac.communeUnknown', params: { id: f.facilityId, v: f.communeCode }, message: text('fac.row', 'vi', { line: f.line, problem: text('fac.communeUnknown', 'vi', { id: f.facilityId, v: f.communeCode }) }) });
  }
  const report: FacilityImportReport = { rows: parsed.rows, inserted: 0, updated: 0, unchanged: 0, rejected: rejects.length, rejects: rejects.sort((a, b) => a.line - b.line).slice(0, MAX_LISTED), heads: 0 };
  for (let i = 0; i < good.length; i += BATCH) {
    const batch = good.slice(i, i + BATCH);
    const c = await upsertFacilityRows(store, FIELDS, batch.map((f) => Object.fromEntries(FIELDS.map((k) => [k, f[k]]))));
    report.inserted += c.inserted; report.updated += c.updated; report.unchanged += c.unchanged;
    const heads = batch.filter((f) => f.headName);
    await dropMovedFacilityHeads(store, batch);
    await saveContacts(store, heads.map((f) => ({
      localityCode: f.communeCode, level: 'commune', role: facilityHeadRole(f.facilityId), facilityId: f.facilityId,
      name: f.headName!, title: `${f.headTitle ?? text('crole.facility-head')}, ${f.name}`, phone: f.headPhone, webhookUrl: null, email: null,
    })));
    report.heads += heads.length;
  }
  return report;
}

/** Facility names by ID (the record page, the worksheet): IDs not in the register are left out. */
export async function facilityNames(store: Store, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  return new Map([...(await facilitiesById(store, ids)).values()].map((f) => [f.facilityId, f.name]));
}

export interface FacilityLine { facilityId: string | null; name: string | null; registered: boolean; head: { name: string; title: string | null; phone: string | null } | null; toCorrect: number; overdue: number }

/**
 * A commune's page, per facility: its registered sites (with none to correct too) and any site its
 * records name that the register lacks, each with the records still to correct and how many of those
 * are overdue; most to correct first.
 */
export async function communeFacilities(store: Store, communeCode: string, now: Date): Promise<FacilityLine[]> {
  const [registered, work] = await Promise.all([facilitiesOfCommune(store, communeCode), facilityWorkload(store, communeCode, now)]);
  const byId = new Map(registered.map((f) => [f.facilityId, f]));
  const others = await facilitiesById(store, work.map((w) => w.facilityId).filter((id) => id && !byId.has(id)));
  const line = (id: string | null, w?: { toCorrect: number; overdue: number }): FacilityLine => {
    const f = (id && (byId.get(id) ?? others.get(id))) || null;
    return {
      facilityId: id, name: f?.name ?? null, registered: !!f,
      head: f?.headName ? { name: f.headName, title: f.headTitle ?? null, phone: f.headPhone ?? null } : null,
      toCorrect: w?.toCorrect ?? 0, overdue: w?.overdue ?? 0,
    };
  };
  const lines = work.map((w) => line(w.facilityId, w));
  for (const f of registered) if (!work.some((w) => w.facilityId === f.facilityId)) lines.push(line(f.facilityId));
  return lines.sort((a, b) => b.toCorrect - a.toCorrect || b.overdue - a.overdue || String(a.facilityId).localeCompare(String(b.facilityId)));
}
