import { Router } from 'express';
import { ancestorCodes, descendantFilter } from '../domain/admin-units/index.js';
import type { LocalitiesRepository } from '../db/repositories/localities.repository.js';
import { NotFoundError, ValidationError } from '../lib/errors/index.js';
import { input } from '../http/access/input.js';
import { codeParams, localityPageQuery as pageQuery } from '../http/access/request-schemas.js';

/**
 * Administrative units: `GET /api/localities?level=province`, `GET /api/localities/:code`
 * (with its parent chain) and `GET /api/localities/:code/children?level=&page=&limit=`.
 */
export function localitiesRouter(deps: { localities: LocalitiesRepository }): Router {
  const { localities } = deps;
  const router = Router();
  const page = localities.page;

  router.get('/api/localities', async (req, res) => {
    const q = input(req, 'query', pageQuery);
    res.json(await page({ level: q.level ?? 'province' }, q));
  });

  router.get('/api/localities/:code', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const unit = await localities.byCode(code);
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const codes = ancestorCodes(unit);
    // The ancestors (at most two) in one read, in the chain's order.
    const found = new Map((await localities.byCodes(codes)).map((p) => [p.code, p]));
    const parents = codes.map((c) => found.get(c)).filter((p) => p !== undefined);
    res.json({ unit, parents });
  });

  router.get('/api/localities/:code/children', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', pageQuery);
    const unit = await localities.byCode(code);
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const filter = descendantFilter(unit, q.level);
    if (!filter) throw new ValidationError(`a ${unit.level} has no ${q.level} below it`);
    res.json({ unit, ...(await page(filter, q)) });
  });

  return router;
}
