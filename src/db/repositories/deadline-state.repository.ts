import type { RoundStatus } from '../../domain/rounds/values.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { isDuplicateKey } from './query.js';

/**
 * The deadline module's state per round (roundDeadlines, `_id` = round ID): its one writer is
 * src/deadlines. Every write is an upsert on the round's `_id`, so a round created without it
 * (a lost hook, an older round) gets it on its first reconcile.
 */
/**
 * First check times of new rounds: set only where none is set yet (a repeated call, or a
 * reconcile that ran first, keeps what is there). One unordered bulk write.
 */
export async function initNextChecks(store: Store, checks: { id: string; at: Date }[]): Promise<void> {
  const models = modelsOf(store);
  if (checks.length === 0) return;
  // Insert-only: an existing state keeps its `updatedAt` too (no timestamps $set on a match).
  const written = new Date();
  await models.RoundDeadline.bulkWrite(checks.map((c) => ({
    updateOne: {
      filter: { _id: c.id },
      update: { $setOnInsert: { nextCheckAt: c.at, openEscalations: false, timedVersion: 0, createdAt: written, updatedAt: written } },
      upsert: true,
    },
  })), { ordered: false, timestamps: false });
}

/**
 * Record what a reconcile computed for the round's deadline version `version` (the number of
 * deadline changes it read). Conditional on no newer version being stored: a reconcile that read
 * the deadline before a change loses to the one after it. Returns false when it lost.
 */
export async function recordDeadlineState(
  store: Store, roundId: string, version: number, state: { nextCheckAt: Date | null; openEscalations: boolean },
): Promise<boolean> {
  const models = modelsOf(store);
  try {
    await models.RoundDeadline.updateOne(
      { _id: roundId, timedVersion: { $lte: version } },
      { $set: { ...state, timedVersion: version } },
      { upsert: true },
    );
    return true;
  } catch (err) {
    // The filter missed an existing document (a newer version is stored), so the upsert collided with it.
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Rounds whose next check has come (index { nextCheckAt }). */
export async function dueChecks(store: Store, now: Date, limit: number): Promise<string[]> {
  const models = modelsOf(store);
  return (await models.RoundDeadline.find({ nextCheckAt: { $lte: now } }, { _id: 1 }).limit(limit).lean()).map((d) => d._id);
}

/** Rounds with escalations still open (index { openEscalations }). */
export async function withOpenEscalations(store: Store, limit: number): Promise<string[]> {
  const models = modelsOf(store);
  return (await models.RoundDeadline.find({ openEscalations: true }, { _id: 1 }).limit(limit).lean()).map((d) => d._id);
}

/** The state of a round that does not exist (never created, or removed). */
export async function dropDeadlineState(store: Store, roundId: string): Promise<void> {
  const models = modelsOf(store);
  await models.RoundDeadline.deleteOne({ _id: roundId });
}

/** The statuses of some rounds, one `_id $in` read (the sweeper's open-escalation check). */
export async function roundStatuses(store: Store, ids: string[]): Promise<Map<string, string>> {
  const models = modelsOf(store);
  if (ids.length === 0) return new Map();
  return new Map((await models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean()).map((r) => [r._id, r.status]));
}

/** Watched rounds that have no deadline state (rounds created before it existed): `_id` and deadline. */
export async function roundsWithoutDeadlineState(store: Store, watched: readonly RoundStatus[]): Promise<{ id: string; deadline: Date }[]> {
  const models = modelsOf(store);
  const rounds = await models.Round.find({ status: { $in: [...watched] } }, { deadline: 1 }).lean();
  const have = new Set<string>();
  // In slices well under the 16 MB command limit.
  for (let i = 0; i < rounds.length; i += 10_000) {
    const ids = rounds.slice(i, i + 10_000).map((r) => r._id);
    for (const d of await models.RoundDeadline.find({ _id: { $in: ids } }, { _id: 1 }).lean()) have.add(d._id);
  }
  return rounds.filter((r) => !have.has(r._id)).map((r) => ({ id: r._id, deadline: r.deadline }));
}
