import { Router } from 'express';
import { z } from 'zod';
import type { Models } from '../../db/models/index.js';
import { ONLY_FILTERS } from '../../db/repositories/dashboard.repository.js';
import { dashboardView } from '../../services/dashboard.service.js';
import { NATIONAL_CODE } from '../../domain/dashboard/rollup.js';
import { validate } from '../validate.js';
import { isNational } from '../../auth/principal.js';
import { ForbiddenError } from '../../lib/errors/index.js';

const params = z.object({ code: z.string().regex(/^VN$|^\d{2}$|^\d{3}$|^\d{5}$/, 'VN, or a 2-, 3- or 5-digit locality code') });
const query = z.object({ only: z.enum(ONLY_FILTERS).optional() });

/**
 * GET /api/dashboard/progress/:code?only=overdue|at_risk|escalated
 *   the unit's progress rollup (VN = the nation), its children's, the national deadline and
 *   the projected finish. Reads the rollup documents only (a unit and its children by index).
 */
export function dashboardApiRouter(deps: { models: Models; now?: () => Date }): Router {
  const r = Router();
  r.get('/api/dashboard/progress/:code', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const { only } = validate(query, req.query, 'query');
    // `VN` is no administrative unit, so the route table's locality scope does not cover it: the nation is for national roles.
    if (code === NATIONAL_CODE && req.principal && !isNational(req.principal)) throw new ForbiddenError('the national figures are for national roles only');
    res.setHeader('cache-control', 'no-store');
    res.json(await dashboardView(deps.models, code, { only, now: deps.now?.() }));
  });
  return r;
}
