import type { Models } from '../db/models/index.js';
import {
  type HashCache, readNationalDeadline, readProgressView, readRollupInputs, writeRollup, type OnlyFilter, type ProgressView,
} from '../db/repositories/dashboard.repository.js';
import { buildRollup, projectFinish, NATIONAL_CODE } from '../domain/dashboard/rollup.js';
import type { DeadlinePolicy } from '../domain/rounds/policy.js';
import { NotFoundError } from '../lib/errors/index.js';

/**
 * Rebuild the per-locality progress documents (the dashboard queue's `rollup` job; its only
 * writer). Cost per run: one streamed read of the verification rounds and a few small reads,
 * then writes of only the documents that changed.
 */
export async function runRollup(models: Models, policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>, now = new Date(), cache?: HashCache) {
  const started = Date.now();
  const inputs = await readRollupInputs(models);
  const read = Date.now();
  const docs = buildRollup(inputs, policy, now);
  const built = Date.now();
  const { written, unchanged } = await writeRollup(models, docs, now, cache);
  const done = Date.now();
  return { rounds: inputs.rounds.length, units: docs.length, written, unchanged, ms: done - started, readMs: read - started, buildMs: built - read, writeMs: done - built };
}

const publicUnit = (u: ProgressView) => {
  const { hash: _h, ...rest } = u;
  return rest;
};

/**
 * One dashboard view: the unit (the nation is `VN`), its children filtered by `only`, the
 * national deadline and the projected finish at the current rate. Three reads by index.
 */
export async function dashboardView(models: Models, code: string, opts: { only?: OnlyFilter; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const [{ unit, children }, national] = await Promise.all([readProgressView(models, code, opts.only), readNationalDeadline(models)]);
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
