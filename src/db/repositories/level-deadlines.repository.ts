import { DEFAULT_CAMPAIGN_ID } from '../../domain/rounds/values.js';
import { FINAL_STATUSES } from '../../domain/rounds/lifecycle.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/** The deadlines set per level: the nation's, each province's and each district's (one campaign document). */
export interface LevelDeadlines {
  national: Date | null;
  provinces: Map<string, Date>;
  districts: Map<string, Date>;
  /** The campaign document's version: a change is written only if nobody wrote in between. */
  version: Date | null;
}

interface CampaignLevels {
  nationalDeadline?: Date | null;
  provinces?: { provinceCode: string; deadline?: Date | null; roundDeadlineMs?: number | null }[];
  districts?: { districtCode: string; deadline?: Date | null }[];
  updatedAt?: Date;
}

/** One read by `_id`. */
export async function readLevelDeadlines(store: Store): Promise<LevelDeadlines> {
  const c = await modelsOf(store).Campaign.findById(DEFAULT_CAMPAIGN_ID, { nationalDeadline: 1, provinces: 1, districts: 1, updatedAt: 1 }).lean<CampaignLevels>();
  return {
    national: c?.nationalDeadline ?? null,
    provinces: new Map((c?.provinces ?? []).flatMap((p) => (p.deadline ? [[p.provinceCode, p.deadline] as const] : []))),
    districts: new Map((c?.districts ?? []).flatMap((d) => (d.deadline ? [[d.districtCode, d.deadline] as const] : []))),
    version: c?.updatedAt ?? null,
  };
}

/**
 * Set one level's deadline, conditional on the campaign document not having changed since it was
 * read (`version`): true when written, false when someone else wrote meanwhile (409 upstream).
 * A province's or district's entry keeps its other fields (a province's round duration).
 */
export async function writeLevelDeadline(store: Store, level: 'national' | 'province' | 'district', code: string, to: Date, version: Date | null): Promise<boolean> {
  const { Campaign } = modelsOf(store);
  const guard = version ? { updatedAt: version } : { updatedAt: { $exists: false } };
  if (level === 'national') {
    const r = await Campaign.updateOne({ _id: DEFAULT_CAMPAIGN_ID, ...guard }, { $set: { nationalDeadline: to } }, { upsert: !version });
    return r.modifiedCount + r.upsertedCount === 1;
  }
  const c = await Campaign.findById(DEFAULT_CAMPAIGN_ID, { provinces: 1, districts: 1 }).lean<CampaignLevels>();
  const r = level === 'province'
    ? await Campaign.updateOne({ _id: DEFAULT_CAMPAIGN_ID, ...guard }, { $set: { provinces: upsertEntry(c?.provinces ?? [], 'provinceCode', code, to) } }, { upsert: !version })
    : await Campaign.updateOne({ _id: DEFAULT_CAMPAIGN_ID, ...guard }, { $set: { districts: upsertEntry(c?.districts ?? [], 'districtCode', code, to) } }, { upsert: !version });
  return r.modifiedCount + r.upsertedCount === 1;
}

function upsertEntry<K extends 'provinceCode' | 'districtCode', T extends { [k in K]: string } & { deadline?: Date | null }>(list: T[], key: K, code: string, to: Date): T[] {
  const has = list.some((e) => e[key] === code);
  return has ? list.map((e) => (e[key] === code ? { ...e, deadline: to } : e)) : [...list, { [key]: code, deadline: to } as T];
}

/**
 * Open rounds (not completed or cancelled) of some communes (all when `communes` is null) whose
 * deadline is later than `to`: how many, and the latest (index { status, deadline }).
 */
export async function openRoundsLaterThan(store: Store, communes: readonly string[] | null, to: Date): Promise<{ count: number; latest: { localityCode: string; deadline: Date } | null }> {
  const { Round } = modelsOf(store);
  const filter = { status: { $nin: FINAL_STATUSES }, deadline: { $gt: to }, ...(communes ? { localityCode: { $in: communes } } : {}) };
  const [count, latest] = await Promise.all([
    Round.countDocuments(filter),
    Round.findOne(filter, { _id: 0, localityCode: 1, deadline: 1 }).sort({ deadline: -1 }).lean<{ localityCode: string; deadline: Date }>(),
  ]);
  return { count, latest };
}
