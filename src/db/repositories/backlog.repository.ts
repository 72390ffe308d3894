import type { DoseReportDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { isDuplicateKey } from './query.js';

export interface BacklogRow { communeCode: string; facilityId: string | null; day: string | null; reported: number | null; entered: number; gap: number }

/**
 * Reported vs entered per commune, facility and day for some communes: entered counts from one
 * aggregation grouped by the day of `vaccinatedAt`, reports from one read (`communeCode $in`).
 */
export async function communesBacklog(store: Store, communeCodes: string[]): Promise<BacklogRow[]> {
  const models = modelsOf(store);
  const day = { $cond: [{ $eq: [{ $type: '$vaccinatedAt' }, 'string'] }, { $substrCP: ['$vaccinatedAt', 0, 10] }, null] };
  const [reports, groups] = await Promise.all([
    models.DoseReport.find({ communeCode: { $in: communeCodes } }, { _id: 0, communeCode: 1, facilityId: 1, day: 1, administered: 1 }).lean(),
    models.DoseRecord.aggregate<{ _id: { c: string; f?: string | null; d?: string | null }; n: number }>([
      { $match: { communeCode: { $in: communeCodes } } },
      { $group: { _id: { c: '$communeCode', f: '$facilityId', d: day }, n: { $sum: 1 } } },
    ]),
  ]);
  const rows = new Map<string, BacklogRow>();
  const row = (c: string, f: string | null, d: string | null) => {
    const k = `${c}\u0000${f}\u0000${d}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { communeCode: c, facilityId: f, day: d, reported: null, entered: 0, gap: 0 }));
    return r;
  };
  for (const g of groups) row(g._id.c, g._id.f ?? null, g._id.d ?? null).entered += g.n;
  for (const rep of reports) row(rep.communeCode, rep.facilityId, rep.day).reported = rep.administered;
  for (const r of rows.values()) r.gap = r.reported === null ? 0 : Math.max(0, r.reported - r.entered);
  return [...rows.values()].sort((a, b) => `${a.communeCode}${a.facilityId}${a.day}`.localeCompare(`${b.communeCode}${b.facilityId}${b.day}`));
}

/**
 * Records a commune should have entered: `entered` plus the reported doses never entered, or
 * null when no facility of the commune reported (no backlog known). One cheap read when none did.
 */
export async function expectedRecords(store: Store, communeCode: string, entered: number): Promise<number | null> {
  const models = modelsOf(store);
  if (!(await models.DoseReport.exists({ communeCode }))) return null;
  const gap = (await communesBacklog(store, [communeCode])).reduce((s, r) => s + r.gap, 0);
  return entered + gap;
}

export interface DoseReportKey { communeCode: string; facilityId: string; day: string }

/**
 * Upsert one report on its natural key (communeCode, facilityId, day). A facility belongs to one
 * commune: 'taken' when another commune reports it already (index { facilityId, day } refuses the
 * same race atomically: a duplicate key is 'taken' too), else 'saved'.
 */
export async function saveDoseReport(
  store: Store, key: DoseReportKey, set: { administered: number; reportedBy: string | null },
): Promise<'saved' | 'taken'> {
  const { DoseReport, DoseRecord } = modelsOf(store);
  // The facility belongs to the communes whose dose records carry it (index { facilityId, communeCode }).
  const owners = (await DoseRecord.distinct('communeCode', { facilityId: key.facilityId })) as string[];
  if (owners.length > 0) {
    if (!owners.includes(key.communeCode)) return 'taken';
    // Reports by a commune whose records never carried the facility are released: the data says whose it is.
    await DoseReport.deleteMany({ facilityId: key.facilityId, communeCode: { $nin: owners } });
  } else if (await DoseReport.exists({ facilityId: key.facilityId, communeCode: { $ne: key.communeCode } })) {
    // No record carries it yet (a facility not entered): the first reporter's, until the data says otherwise.
    return 'taken';
  }
  try {
    await DoseReport.updateOne({ communeCode: key.communeCode, facilityId: key.facilityId, day: key.day }, { $set: set }, { upsert: true });
    return 'saved';
  } catch (err) {
    if (isDuplicateKey(err)) return 'taken';
    throw err;
  }
}

/** One report by its natural key, or null. */
export async function readDoseReport(store: Store, key: DoseReportKey): Promise<DoseReportDoc | null> {
  return modelsOf(store).DoseReport.findOne({ communeCode: key.communeCode, facilityId: key.facilityId, day: key.day }, { _id: 0, __v: 0 }).lean<DoseReportDoc>();
}
