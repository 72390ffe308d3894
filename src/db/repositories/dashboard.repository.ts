import type { OnlyFilter, RollupDoc, RollupInputs, RoundInput, UnitInput } from '../../domain/dashboard/rollup.js';
import type { EscalationLevel } from '../../domain/rounds/policy.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/**
 * Every query of the dashboard: the rollup job's reads (a handful of streamed, projected
 * queries per run, never one per round), its writes (only documents whose hash changed) and
 * the pages' reads (a unit by `_id`, its children by `parentCode`).
 */

/** Documents per bulk write: well under the 16 MB command limit. */
const WRITE_BATCH = 1_000;

const ROUND_FIELDS = {
  localityCode: 1, seq: 1, status: 1, deadline: 1, totalRecords: 1, processedRecords: 1, counters: 1,
  explainedRecords: 1, expectedRecords: 1, finishedAt: 1, updatedAt: 1, startedAt: 1, createdAt: 1,
  // What a register outage did to the round (a commune's page says it): small, and only on rounds an outage or an officer touched.
  deadlineChanges: 1, escalationHold: 1,
} as const;

export type CurrentRound = RoundInput & { seq: number };

/** Keep a commune's current verification round: the highest seq (correction rounds are folded into its counters by the worker). */
export function keepCurrent(current: Map<string, CurrentRound>, r: CurrentRound): void {
  const prev = current.get(r.localityCode);
  if (!prev || r.seq >= prev.seq) current.set(r.localityCode, r);
}

export async function readUnits(store: Store): Promise<UnitInput[]> {
  const models = modelsOf(store);
  return (await models.Locality.find({}, { _id: 0, code: 1, name: 1, type: 1, level: 1, parentCode: 1, provinceCode: 1, districtCode: 1 }).lean()) as UnitInput[];
}

/** Verification rounds changed at or after `since` (index kind + updatedAt): what an incremental run reads. */
export async function readChangedRounds(store: Store, since: Date): Promise<CurrentRound[]> {
  const models = modelsOf(store);
  return (await models.Round.find({ kind: 'verification', updatedAt: { $gte: since } }, ROUND_FIELDS).lean()) as unknown as CurrentRound[];
}

export async function readContacts(store: Store): Promise<RollupInputs['contacts']> {
  const models = modelsOf(store);
  return models.Contact.find({}, { _id: 0, localityCode: 1, level: 1, role: 1, name: 1, title: 1, phone: 1, email: 1 }).lean();
}

export async function readRollupInputs(store: Store): Promise<RollupInputs> {
  const models = modelsOf(store);
  const units = await readUnits(store);
  const current = new Map<string, CurrentRound>();
  const cursor = models.Round.find({ kind: 'verification' }, ROUND_FIELDS).lean().cursor({ batchSize: 2_000 });
  for await (const r of cursor) keepCurrent(current, r as unknown as CurrentRound);
  const side = await readSideInputs(store);
  return { units, rounds: [...current.values()], ...side, contacts: await readContacts(store) };
}

/** What every run reads whole, being small: corrections per commune and open escalations. */
export async function readSideInputs(store: Store): Promise<Pick<RollupInputs, 'corrections' | 'escalations'>> {
  const models = modelsOf(store);

  // Applied corrections per commune, and how many of them were signed off: one $group.
  const counted = await models.Correction.aggregate<{ _id: string; applied: number; signedOff: number }>([
    { $match: { status: 'applied' } },
    { $group: { _id: '$communeCode', applied: { $sum: 1 }, signedOff: { $sum: { $cond: [{ $eq: [{ $type: '$signOff' }, 'object'] }, 1, 0] } } } },
  ]);
  const corrections = new Map(counted.map((c) => [c._id, { applied: c.applied, signedOff: c.signedOff }]));

  const escalations = (await models.Escalation.find({ closedAt: null }, { _id: 0, roundId: 1, level: 1 }).lean()) as { roundId: string; level: EscalationLevel }[];
  return { corrections, escalations };
}

/**
 * Write the documents whose hash changed; returns how many were written. New documents go in
 * with insertMany (one round trip per batch), changed ones with replaceOne. The rollup job is the only writer, so nothing races.
 */
export async function writeRollup(store: Store, docs: RollupDoc[], computedAt: Date, cache?: HashCache): Promise<{ written: number; unchanged: number }> {
  const models = modelsOf(store);
  const stored = await storedHashes(store, cache);
  const fresh = docs.filter((d) => !stored.has(d._id));
  const changed = docs.filter((d) => stored.has(d._id) && stored.get(d._id) !== d.hash);
  for (let i = 0; i < fresh.length; i += WRITE_BATCH) {
    await models.LocalityProgress.collection.insertMany(fresh.slice(i, i + WRITE_BATCH).map((d) => ({ ...d, computedAt })) as never[], { ordered: false });
  }
  for (let i = 0; i < changed.length; i += WRITE_BATCH) {
    await models.LocalityProgress.collection.bulkWrite(changed.slice(i, i + WRITE_BATCH).map((d) => ({
      replaceOne: { filter: { _id: d._id }, replacement: { ...d, computedAt }, upsert: true },
    })) as never[], { ordered: false });
  }
  // The nation's document always carries the run's time: the pages and /metrics show its age.
  if (!changed.some((d) => d._id === 'VN') && !fresh.some((d) => d._id === 'VN')) {
    await models.LocalityProgress.collection.updateOne({ _id: 'VN' } as never, { $set: { computedAt } });
  }
  if (cache) { cache.hashes = new Map(docs.map((d) => [d._id, d.hash])); cache.computedAt = computedAt.getTime(); }
  return { written: fresh.length + changed.length, unchanged: docs.length - fresh.length - changed.length };
}

/**
 * The hashes a rollup process wrote last time, kept between its runs, so a run reads one
 * document instead of every unit's hash (~11k) when it ran last. The cache is used only
 * while the nation's `computedAt` is still this process's last run; after another process ran
 * the rollup, the hashes are read again.
 */
export interface HashCache { computedAt: number | null; hashes: Map<string, string> }

/** The nation's document still carries this run time: no other process wrote the rollup since (one read by `_id`). */
export async function lastWriteWas(store: Store, computedAt: number): Promise<boolean> {
  const models = modelsOf(store);
  const nation = await models.LocalityProgress.findById('VN', { computedAt: 1 }).lean();
  return nation?.computedAt?.getTime() === computedAt;
}

async function storedHashes(store: Store, cache?: HashCache): Promise<Map<string, string>> {
  const models = modelsOf(store);
  if (cache?.computedAt && (await lastWriteWas(store, cache.computedAt))) return cache.hashes;
  return new Map((await models.LocalityProgress.find({}, { hash: 1 }).lean()).map((d) => [d._id, d.hash]));
}

export type ProgressView = RollupDoc & { computedAt: Date };


const onlyFilter = (only?: OnlyFilter): Record<string, unknown> => {
  if (only === 'overdue') return { 'health.overdue': { $gt: 0 } };
  if (only === 'at_risk') return { 'health.at_risk': { $gt: 0 } };
  if (only === 'escalated') return { 'escalation.level': { $ne: null } };
  return {};
};

/** A unit's rollup (by `_id`) and its children's (by `parentCode`, optionally filtered): two queries. */
export async function readProgressView(store: Store, code: string, only?: OnlyFilter) {
  const models = modelsOf(store);
  const [unit, children] = await Promise.all([
    models.LocalityProgress.findById(code).lean(),
    models.LocalityProgress.find({ parentCode: code, ...onlyFilter(only) }, { daily: 0, hash: 0, contacts: 0, path: 0 }).sort({ _id: 1 }).lean(),
  ]);
  return { unit: unit as ProgressView | null, children: children as unknown as ProgressView[] };
}

/** The nation, its provinces and their districts (by `_id` and `parentCode`: three indexed reads), for /api/campaign/overview. */
export async function readOverviewUnits(store: Store) {
  const models = modelsOf(store);
  const fields = { _id: 1, name: 1, parentCode: 1, health: 1, communes: 1, computedAt: 1 } as const;
  type Unit = { _id: string; name: string; parentCode: string | null; health: Record<string, number>; communes: number; computedAt?: Date };
  const [nation, provinces] = await Promise.all([
    models.LocalityProgress.findById('VN', fields).lean() as Promise<Unit | null>,
    models.LocalityProgress.find({ parentCode: 'VN' }, fields).sort({ _id: 1 }).lean() as Promise<Unit[]>,
  ]);
  const districts = provinces.length
    ? ((await models.LocalityProgress.find({ parentCode: { $in: provinces.map((p) => p._id) } }, fields).sort({ _id: 1 }).lean()) as Unit[])
    : [];
  return { nation, provinces, districts };
}

/** For /metrics: open escalations per level (indexed counts) and the national rollup document. */
export async function readMetricsFigures(store: Store) {
  const models = modelsOf(store);
  const levels = ['commune', 'district', 'province', 'ministry'] as const;
  const [counts, national] = await Promise.all([
    Promise.all(levels.map((level) => models.Escalation.countDocuments({ closedAt: null, level }))),
    models.LocalityProgress.findById('VN', { records: 1, rounds: 1, health: 1, computedAt: 1 }).lean(),
  ]);
  return {
    openEscalations: Object.fromEntries(levels.map((l, i) => [l, counts[i]!])) as Record<(typeof levels)[number], number>,
    national: national as { records: Record<string, number>; rounds: Record<string, number>; health: Record<string, number>; computedAt: Date } | null,
  };
}
