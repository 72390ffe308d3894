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
