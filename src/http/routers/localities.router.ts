import { Router } from 'express';
import { z } from 'zod';
import { ADMIN_LEVELS, ancestorCodes, descendantFilter } from '../../domain/admin-units/index.js';
import type { LocalitiesRepository } from '../../db/repositories/localities.repository.js';
import { NotFoundError, ValidationError } from '../../lib/errors/index.js';
import { validate } from '../validate.js';

const codeParams = z.object({ code: z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit GSO code') });
const pageQuery = z.object({
  level: z.enum(ADMIN_LEVELS).optional(),
  page: z.coerce.number().int().min(1).default(1),
  // 10,599 communes nationwide; 500 per page keeps a response under ~100 KB.
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * Administrative units: `GET /api/localities?level=province`, `GET /api/localities/:code`
 * (with its parent chain) and `GET /api/localities/:code/children?level=&page=&limit=`.
 */
export function localitiesRouter(deps: { localities: LocalitiesRepository }): Router {
  const { localities } = deps;
  const router = Router();
  const page = localities.page;

  router.get('/api/localities', async (req, res) => {
    const q = validate(pageQuery, req.query, 'query');
    res.json(await page({ level: q.level ?? 'province' }, q));
  });

  router.get('/api/localities/:code', async (req, res) => {
    const { code } = validate(codeParams, req.params, 'params');
    const unit = await localities.byCode(code);
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const codes = ancestorCodes(unit);
    // The ancestors (at most two) in one read, in the chain's order.
    const found = new Map((await localities.byCodes(codes)).map((p) => [p.code, p]));
    const parents = codes.map((c) => found.get(c)).filter((p) => p !== undefined);
    res.json({ unit, parents });
  });

  router.get('/api/localities/:code/children', async (req, res) => {
    const { code } = validate(codeParams, req.params, 'params');
    const q = validate(pageQuery, req.query, 'query');
    const unit = await localities.byCode(code);
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const filter = descendantFilter(unit, q.level);
    if (!filter) throw new ValidationError(`a ${unit.level} has no ${q.level} below it`);
    res.json({ unit, ...(await page(filter, q)) });
  });

  return router;
}
