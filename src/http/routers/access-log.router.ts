import { Router } from 'express';
import { z } from 'zod';
import type { Models } from '../../db/models/index.js';
import { ACCESS_KINDS } from '../../domain/access-log.js';
import { findAccess } from '../../db/repositories/access-log.repository.js';
import { validate } from '../validate.js';

const query = z.object({
  sub: z.string().trim().min(1).max(200).optional(),
  locality: z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit locality code').optional(),
  kind: z.enum(ACCESS_KINDS).optional(),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** GET /api/access-log?sub=&locality=&kind=&from=&to=&limit= — who read which personal data, newest first (ministry, campaign_admin). */
export function accessLogRouter(deps: { models: Models }): Router {
  const r = Router();
  r.get('/api/access-log', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ items: await findAccess(deps.models, validate(query, req.query, 'query')) });
  });
  return r;
}
