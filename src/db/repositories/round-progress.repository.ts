import type { RoundStatus } from '../../domain/rounds/values.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

export interface RoundProgress { chunks: number; chunksDone: number; chunksFailed: number; recordsDone: number }

/**
 * Live progress of rounds from their chunk documents (each written by its own chunk job), for
 * the coordinator's `rounds status`: one read for a page of rounds, membership left out.
 * The round's own counters stay settle's; this only reads.
 */
export async function roundsProgress(store: Store, roundIds: string[]): Promise<Map<string, RoundProgress>> {
  const models = modelsOf(store);
  const out = new Map<string, RoundProgress>(roundIds.map((id) => [id, { chunks: 0, chunksDone: 0, chunksFailed: 0, recordsDone: 0 }]));
  if (roundIds.length === 0) return out;
  const rows = await models.VerificationChunk.find({ roundId: { $in: roundIds } }, { _id: 0, roundId: 1, status: 1, processed: 1 }).lean();
  for (const r of rows) {
    const p = out.get(r.roundId)!;
    p.chunks++;
    if (r.status === 'done') { p.chunksDone++; p.recordsDone += r.processed ?? 0; }
    if (r.status === 'failed') p.chunksFailed++;
  }
  return out;
}

export interface StalledRound {
  _id: string;
  localityCode: string;
  status: string;
  generation: number;
  lastProgressAt: Date;
}

/**
 * Rounds in `statuses` (scheduled, verifying) whose last progress, the latest of the round's own
 * write and its chunks' (planned, finished), is before `before`: two indexed reads, the rounds by
 * status and their chunks' times without membership. `generation`: the round's, else its retries.
 * `ids`: only these rounds (an operator's retry).
 */
export async function stalledRounds(store: Store, statuses: readonly RoundStatus[], before: Date, ids?: readonly string[]): Promise<StalledRound[]> {
  const models = modelsOf(store);
  const rounds = await models.Round.find({ ...(ids ? { _id: { $in: ids } } : {}), status: { $in: statuses }, updatedAt: { $lt: before } }, { _id: 1, localityCode: 1, status: 1, generation: 1, transitions: 1, updatedAt: 1 })
    .lean<{ _id: string; localityCode: string; status: string; generation?: number; transitions?: { from: string; to: string }[]; updatedAt: Date }[]>();
  if (rounds.length === 0) return [];
  const chunks = await models.VerificationChunk.find({ roundId: { $in: rounds.map((r) => r._id) } }, { _id: 0, roundId: 1, createdAt: 1, updatedAt: 1 })
    .lean<{ roundId: string; createdAt?: Date; updatedAt?: Date }[]>();
  const last = new Map<string, number>();
  for (const c of chunks) last.set(c.roundId, Math.max(last.get(c.roundId) ?? 0, c.createdAt?.getTime() ?? 0, c.updatedAt?.getTime() ?? 0));
  return rounds
    .map((r) => ({
      _id: r._id, localityCode: r.localityCode, status: r.status,
      generation: r.generation ?? (r.transitions ?? []).filter((t) => t.from === 'failed' && t.to === 'scheduled').length,
      lastProgressAt: new Date(Math.max(r.updatedAt.getTime(), last.get(r._id) ?? 0)),
    }))
    .filter((r) => r.lastProgressAt < before);
}
