import type { OutcomeCounters } from './verification.repository.js';
import type { RoundKind, RoundStatus } from '../../domain/rounds/values.js';
import type { TransitionRecord } from '../../domain/rounds/lifecycle.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/** What settle reads of a round before recomputing it. `settles` is its optimistic token. */
export interface SettleView {
  _id: string;
  kind: RoundKind;
  localityCode: string;
  status: RoundStatus;
  totalRecords: number;
  settles: number | null;
}

export async function readForSettle(store: Store, roundId: string): Promise<SettleView | null> {
  const models = modelsOf(store);
  const r = await models.Round.findById(roundId, { kind: 1, localityCode: 1, status: 1, totalRecords: 1, settles: 1 }).lean();
  return r ? { _id: r._id, kind: r.kind, localityCode: r.localityCode, status: r.status, totalRecords: r.totalRecords ?? 0, settles: r.settles ?? null } : null;
}

/** The settled figures of a round: its counters per outcome and what the completion rule reads. */
export interface Settlement {
  counters: OutcomeCounters;
  processedRecords: number;
  explainedRecords: number;
  expectedRecords: number | null;
}

/**
 * Write a settlement, and the transition it decided, in one findOneAndUpdate conditional on the
 * status and the `settles` token settle read: a concurrent settle (or a transition) that wrote
 * in between makes this one return false, and settle recomputes from fresher sources. The only
 * writer of a round's counters, explained and expected records (settle.service).
 */
export async function writeSettlement(
  store: Store,
  read: SettleView,
  settlement: Settlement,
  transition?: { record: TransitionRecord; set?: { finishedAt?: Date; error?: string } },
): Promise<boolean> {
  const models = modelsOf(store);
  const update: Record<string, unknown> = {
    // The token is set, not $inc'ed: rounds created before it existed hold none (null).
    $set: { ...settlement, settles: (read.settles ?? 0) + 1, ...(transition ? { ...transition.set, status: transition.record.to } : {}) },
    ...(transition ? { $push: { transitions: transition.record } } : {}),
  };
  const res = await models.Round.findOneAndUpdate({ _id: read._id, status: read.status, settles: read.settles }, update, { projection: { _id: 1 } }).lean();
  return res !== null;
}
