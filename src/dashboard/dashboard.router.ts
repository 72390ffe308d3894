import { Router } from 'express';
import type { Store } from '../db/store.js';
import { dashboardView } from './dashboard.service.js';
import { findStalledRounds } from '../rounds/replan.service.js';
import { NATIONAL_CODE } from '../domain/dashboard/rollup.js';
import { input } from '../http/access/input.js';
import { dashboardParams, dashboardQuery } from '../http/access/request-schemas.js';
import { isNational } from '../auth/principal.js';
import { ForbiddenError } from '../lib/errors/index.js';

/**
 * GET /api/dashboard/progress/:code?only=overdue|at_risk|escalated
 *   the unit's progress rollup (VN = the nation), its children's, the national deadline and
 *   the projected finish. Reads the rollup documents only (a unit and its children by index);
 *   the nation's view adds the rounds without progress for ROUND_STALLED_MS (two indexed reads).
 */
export function dashboardApiRouter(deps: { store: Store; stalledAfterMs: number; now?: () => Date }): Router {
  const r = Router();
  r.get('/api/dashboard/progress/:code', async (req, res) => {
    const { code } = input(req, 'params', dashboardParams);
    const { only } = input(req, 'query', dashboardQuery);
    // `VN` is no administrative unit, so the route table's locality scope does not cover it: the nation is for national roles.
    if (code === NATIONAL_CODE && req.principal && !isNational(req.principal)) throw new ForbiddenError('the national figures are for national roles only');
    res.setHeader('cache-control', 'no-store');
    const view = await dashboardView(deps.store, code, { only, now: deps.now?.() });
    if (code !== NATIONAL_CODE) { res.json(view); return; }
    // Rounds the store says are being verified but that moved for longer than the bound (their jobs may be lost).
    const stalled = await findStalledRounds(deps);
    res.json({ ...view, stalledRounds: { afterMs: deps.stalledAfterMs, count: stalled.length, rounds: stalled.slice(0, 50).map((r) => ({ id: r._id, status: r.status, lastProgressAt: r.lastProgressAt })) } });
  });
  return r;
}
