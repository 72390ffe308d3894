import { createHash } from 'node:crypto';
import { roundKindOf } from '../db/repositories/round-lifecycle.repository.js';
import { communeCycle, recordsById } from '../db/repositories/worklist.repository.js';
import { registryVersion } from '../db/repositories/registry-snapshot.repository.js';
import { text } from '../domain/i18n/index.js';
import { AppError, ConflictError } from '../lib/errors/index.js';
import type { Store } from '../db/store.js';
import { createRoundDocs, roundId as makeRoundId, type RoundCreationDeps } from './round-creation.service.js';

/** Two officers' uploads may race for the same next seq: the loser looks again, then takes the one after. */
const SEQ_ATTEMPTS = 5;

export interface CorrectionRoundResult {
  id: string;
  /** False when the same records at the same versions were already being, or had been, re-verified. */
  created: boolean;
}

/**
 * The correction round's idempotency key: what it would verify (each record's ID and version) and
 * against what (the register's version). Re-verifying the same values against the same register
 * gives the same answer, so the same key is the same round: a double click, a retry or a second
 * tab gets the round the first one made. A changed record or a new register import is a new key.
 */
async function recordSetKey(store: Store, recordIds: string[]): Promise<string> {
  const [versions, register] = await Promise.all([recordsById(store, recordIds, { version: 1 }), registryVersion(store)]);
  const h = createHash('sha256').update(`register ${register}\n`);
  for (const id of recordIds) h.update(`${id}@${(versions.get(id) as { version?: number } | undefined)?.version ?? 0}\n`);
  return h.digest('base64url').slice(0, 32);
}

/**
 * A correction round re-verifying exactly `recordIds` of one commune: kind `correction`, seq the
 * commune's next, created by createRoundDocs like every round (deadline state, planner, timers),
 * and its verification round told (RoundEvents.changed: its settle moves it to `correction_round`).
 * Refused (409 `nothing_to_verify`) without records: nothing is written. Idempotent on the
 * record set's key (recordSetKey), a failed or cancelled round excepted.
 */
export async function createCorrectionRound(deps: RoundCreationDeps, communeCode: string, recordIds: string[]): Promise<CorrectionRoundResult> {
  const ids = [...new Set(recordIds)].sort();
  if (ids.length === 0) throw new AppError('nothing_to_verify', text('err.nothing_to_verify'), 409, { communeCode });
  const now = deps.now?.() ?? new Date();
  const key = await recordSetKey(deps.store, ids);
  for (let attempt = 0; attempt < SEQ_ATTEMPTS; attempt++) {
    const cycle = await communeCycle(deps.store, communeCode);
    const same = cycle.all.find((r) => r.kind === 'correction' && r.recordSetKey === key && r.status !== 'failed' && r.status !== 'cancelled');
    if (same) return { id: same._id, created: false };
    const parent = cycle.verification;
    const deadline = parent && parent.deadline > now ? parent.deadline : new Date(now.getTime() + deps.defaultDeadlineMs);
    const seq = Math.max(0, ...cycle.all.filter((r) => r.kind === 'correction').map((r) => r.seq)) + 1;
    const id = makeRoundId('correction', communeCode, seq);
    const { created } = await createRoundDocs(deps, [{ _id: id, localityCode: communeCode, kind: 'correction', seq, deadline, recordIds: ids, recordSetKey: key }],
      parent ? `corrections to ${parent._id}` : 'corrections');
    if (!created.has(id)) continue;
    if (parent) await deps.events.changed(parent._id);
    return { id, created: true };
  }
  throw new ConflictError(`commune ${communeCode}: no free correction round number after ${SEQ_ATTEMPTS} tries; try again`);
}

/** The verification round a correction round reports to (its commune's latest), or null. */
export async function verificationRoundOf(store: Store, roundId: string): Promise<string | null> {
  const round = await roundKindOf(store, roundId);
  if (!round || round.kind !== 'correction') return null;
  return (await communeCycle(store, round.localityCode)).verification?._id ?? null;
}
