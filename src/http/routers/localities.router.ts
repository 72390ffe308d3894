import { Router } from 'express';
import type { z } from 'zod';
import { ancestorCodes, descendantFilter } from '../../domain/admin-units/index.js';
import type { Models } from '../../db/models/index.js';
import { NotFoundError, ValidationError } from '../../lib/errors/index.js';
import { input } from '../access/input.js';
import { codeParams, localityPageQuery as pageQuery } from '../access/request-schemas.js';

const PROJECTION = { _id: 0, code: 1, name: 1, type: 1, level: 1, parentCode: 1, provinceCode: 1, districtCode: 1 } as const;

/**
 * Administrative units: `GET /api/localities?level=province`, `GET /api/localities/:code`
 * (with its parent chain) and `GET /api/localities/:code/children?level=&page=&limit=`.
 */
export function localitiesRouter(deps: { models: Models }): Router {
  const { Locality } = deps.models;
  const router = Router();

  const page = async (filter: Record<string, unknown>, q: z.infer<typeof pageQuery>) => {
    const [items, total] = await Promise.all([
      Locality.find(filter, PROJECTION).sort({ code: 1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
      Locality.countDocuments(filter),
    ]);
    return { items, page: q.page, limit: q.limit, total };
  };

  router.get('/api/localities', async (req, res) => {
    const q = input(req, 'query', pageQuery);
    res.json(await page({ level: q.level ?? 'province' }, q));
  });

  router.get('/api/localities/:code', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const unit = await Locality.findOne({ code }, PROJECTION).lean();
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const codes = ancestorCodes(unit);
    // One look-up per ancestor (at most two): equality queries use the index on FerretDB too.
    const parents = (await Promise.all(codes.map((c) => Locality.findOne({ code: c }, PROJECTION).lean()))).filter((p) => p !== null);
    res.json({ unit, parents });
  });

  router.get('/api/localities/:code/children', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', pageQuery);
    const unit = await Locality.findOne({ code }, PROJECTION).lean();
    if (!unit) throw new NotFoundError(`no administrative unit ${code}`);
    const filter = descendantFilter(unit, q.level);
    if (!filter) throw new ValidationError(`a ${unit.level} has no ${q.level} below it`);
    res.json({ unit, ...(await page(filter, q)) });
  });

  return router;
}
