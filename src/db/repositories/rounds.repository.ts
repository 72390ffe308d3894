import type { RoundDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { projectionOf } from './query.js';

/*
 * Reads of rounds (by `_id`, by a set of `_id`s, by page). Their writes are the lifecycle's
 * (round-lifecycle.repository.ts) and settle's (round-settle.repository.ts) only.
 */

export type RoundRow = RoundDoc & { _id: string; createdAt: Date; updatedAt: Date };
export type RoundField = Exclude<keyof RoundRow, '_id'>;
type Picked<K extends RoundField> = Pick<RoundRow, K | '_id'>;

/** One round's `fields` (one `_id` read), or null. */
export async function readRound<K extends RoundField>(store: Store, id: string, fields: readonly K[]): Promise<Picked<K> | null> {
  return modelsOf(store).Round.findById(id, projectionOf(fields)).lean<Picked<K>>();
}

/** Some rounds' `fields` in one read (`_id $in`), in no particular order; missing IDs are absent. */
export async function readRounds<K extends RoundField>(store: Store, ids: readonly string[], fields: readonly K[]): Promise<Picked<K>[]> {
  if (ids.length === 0) return [];
  return modelsOf(store).Round.find({ _id: { $in: ids } }, projectionOf(fields)).lean<Picked<K>[]>();
}

/** A round as the API shows it: everything but its record list (a correction round's can be long). */
export async function readRoundView(store: Store, id: string): Promise<Omit<RoundRow, 'recordIds'> | null> {
  return modelsOf(store).Round.findById(id, { recordIds: 0 }).lean<Omit<RoundRow, 'recordIds'>>();
}

/** A round without its record list and transitions: what the deadline side and lists read. */
export type RoundSummary = Omit<RoundRow, 'recordIds' | 'transitions'>;
const SUMMARY = { recordIds: 0, transitions: 0 } as const;

/** One round's summary (one `_id` read), or null. */
export async function readRoundSummary(store: Store, id: string): Promise<RoundSummary | null> {
  return modelsOf(store).Round.findById(id, SUMMARY).lean<RoundSummary>();
}

export interface RoundsPageQuery {
  localityCodes?: string[];
  status?: string;
  kind?: string;
  /** Keyset pagination: rounds with `_id` greater than this. */
  after?: string;
  limit: number;
}

/** One page of rounds in `_id` order, without record lists and transitions. */
export async function roundsPage(store: Store, q: RoundsPageQuery): Promise<RoundSummary[]> {
  const filter: Record<string, unknown> = {};
  if (q.localityCodes) filter.localityCode = { $in: q.localityCodes };
  if (q.status) filter.status = q.status;
  if (q.kind) filter.kind = q.kind;
  if (q.after) filter._id = { $gt: q.after };
  return modelsOf(store).Round.find(filter, SUMMARY).sort({ _id: 1 }).limit(q.limit).lean<RoundSummary[]>();
}
