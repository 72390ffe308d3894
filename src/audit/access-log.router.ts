import { Router } from 'express';
import type { Store } from '../db/store.js';
import { findAccess } from '../db/repositories/access-log.repository.js';
import { input } from '../http/access/input.js';
import { accessLogQuery } from '../http/access/request-schemas.js';

/** GET /api/access-log?sub=&locality=&kind=&from=&to=&limit= — who read which personal data, newest first (ministry, campaign_admin). */
export function accessLogRouter(deps: { store: Store }): Router {
  const r = Router();
  r.get('/api/access-log', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ items: await findAccess(deps.store, input(req, 'query', accessLogQuery)) });
  });
  return r;
}
