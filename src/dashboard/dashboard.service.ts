import type { Store } from '../db/store.js';
import {
  type CurrentRound, type HashCache, keepCurrent, lastWriteWas, readChangedRounds, readProgressView, readRollupInputs,
  readSideInputs, writeRollup, type ProgressView,
} from '../db/repositories/dashboard.repository.js';
import { readNationalDeadline } from '../db/repositories/campaign.repository.js';
import { buildRollup, projectFinish, updateRollup, NATIONAL_CODE, type OnlyFilter, type RollupDoc, type RollupInputs, type UnitInput } from '../domain/dashboard/rollup.js';
import type { DeadlinePolicy } from '../domain/rounds/policy.js';
import { NotFoundError } from '../lib/errors/index.js';

/**
 * What a rollup process keeps between its runs so that a run costs what changed, not the
 * country: the current verification round of every commune, the units and contacts, and the
 * `updatedAt` cursor. A run reads the rounds changed since the cursor (index kind + updatedAt),
 * re-reads the small side inputs (corrections per commune, open escalations), rebuilds in memory
 * and writes only the documents whose hash changed. A full read happens on the first run, every
 * `fullEveryMs`, and whenever another process wrote the rollup since (its hashes and inputs
 * then may be stale here).
 */
export interface RollupState {
  hashes: HashCache;
  rounds: Map<string, CurrentRound> | null;
  /** Every unit's document as last built: an incremental run recomputes only the touched ones. */
  docs: Map<string, RollupDoc> | null;
  units: UnitInput[] | null;
  contacts: RollupInputs['contacts'] | null;
  /** Highest `updatedAt` seen: the next run reads from here (less CURSOR_OVERLAP_MS). */
  cursor: Date | null;
  fullAt: number | null;
}

export const newRollupState = (): RollupState => ({ hashes: { computedAt: null, hashes: new Map() }, rounds: null, docs: null, units: null, contacts: null, cursor: null, fullAt: null });

/**
 * Rounds are stamped by the clocks of the processes that write them: read a margin before the
 * cursor, so a writer whose clock is a little behind (NTP keeps them within milliseconds) is not
 * missed; re-reading a round is harmless. A larger skew is caught by the next full read.
 */
const CURSOR_OVERLAP_MS = 5_000;
/** A full re-read bounds anything an incremental run could miss (a deleted round, a skewed clock, a renamed unit, a contact). */
const FULL_EVERY_MS = 10 * 60_000;

function advance(state: RollupState, rounds: Iterable<CurrentRound>): void {
  for (const r of rounds) if (r.updatedAt && (!state.cursor || r.updatedAt > state.cursor)) state.cursor = r.updatedAt;
}

/**
 * Rebuild the per-locality progress documents (the dashboard queue's `rollup` job; its only
 * writer). Without `state`: one streamed read of every verification round. With it: only the
 * rounds changed since the last run (see RollupState). Then writes of only what changed.
 */
export async function runRollup(
  store: Store, policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>, now = new Date(), cache?: HashCache, state?: RollupState,
) {
  const started = Date.now();
  const hashes = state?.hashes ?? cache;
  const ownLast = state?.hashes.computedAt != null && (await lastWriteWas(store, state.hashes.computedAt));
  const incremental = !!state && ownLast && state.rounds !== null && state.docs !== null && state.fullAt !== null && state.cursor !== null && started - state.fullAt < FULL_EVERY_MS;
  let inputs: RollupInputs;
  let changed: number;
  let read: number;
  let changedCodes = new Set<string>();
  if (incremental) {
    const fresh = await readChangedRounds(store, new Date(state.cursor!.getTime() - CURSOR_OVERLAP_MS));
    // Rounds in the overlap come back unchanged: count only those newer than what is held.
    const moved = fresh.filter((r) => { const held = state.rounds!.get(r.localityCode); return !held || held._id !== r._id || held.updatedAt?.getTime() !== r.updatedAt?.getTime(); });
    changed = moved.length;
    changedCodes = new Set(moved.map((r) => r.localityCode));
    read = fresh.length;
    for (const r of fresh) keepCurrent(state.rounds!, r);
    advance(state, fresh);
    inputs = { units: state.units!, rounds: [...state.rounds!.values()], contacts: state.contacts!, ...(await readSideInputs(store)) };
  } else {
    inputs = await readRollupInputs(store);
    changed = inputs.rounds.length;
    read = changed;
    if (state) {
      state.rounds = new Map(inputs.rounds.map((r) => [r.localityCode, r as CurrentRound]));
      state.units = inputs.units;
      state.contacts = inputs.contacts;
      state.cursor = null;
      advance(state, state.rounds.values());
      state.fullAt = started;
    }
  }
  const readDone = Date.now();
  let docs: RollupDoc[];
  if (incremental) {
    updateRollup(state.docs!, inputs, policy, now, changedCodes);
    docs = [...state.docs!.values()];
  } else {
    docs = buildRollup(inputs, policy, now);
    if (state) state.docs = new Map(docs.map((d) => [d._id, d]));
  }
  const built = Date.now();
  const { written, unchanged } = await writeRollup(store, docs, now, hashes);
  const done = Date.now();
  return {
    mode: incremental ? 'incremental' as const : 'full' as const, rounds: inputs.rounds.length, roundsRead: read, roundsChanged: changed,
    units: docs.length, written, unchanged, ms: done - started, readMs: readDone - started, buildMs: built - readDone, writeMs: done - built,
  };
}

const publicUnit = (u: ProgressView) => {
  const { hash: _h, ...rest } = u;
  return rest;
};

/**
 * One dashboard view: the unit (the nation is `VN`), its children filtered by `only`, the
 * national deadline and the projected finish at the current rate. Three reads by index.
 */
export async function dashboardView(store: Store, code: string, opts: { only?: OnlyFilter; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const [{ unit, children }, national] = await Promise.all([readProgressView(store, code, opts.only), readNationalDeadline(store)]);
  if (!unit) {
    if (code === NATIONAL_CODE) return { generatedAt: now.toISOString(), computedAt: null, national: national?.toISOString() ?? null, unit: null, children: [], projection: null };
    throw new NotFoundError(`no progress for locality ${code} (unknown code, or the rollup has not run yet)`);
  }
  return {
    generatedAt: now.toISOString(),
    computedAt: unit.computedAt.toISOString(),
    national: national?.toISOString() ?? null,
    unit: publicUnit(unit),
    children: children.map(publicUnit),
    projection: unit.daily ? projectFinish(unit, now, national) : null,
  };
}
