import { Router } from 'express';
import type { Store } from '../db/store.js';
import { auditAct } from '../audit/audit.service.js';
import { input } from '../http/access/input.js';
import { codeParams, facilitiesImportBody } from '../http/access/request-schemas.js';
import { communeFacilities, importFacilities } from './facilities.service.js';

/**
 * The facility register (issue 28):
 *   GET  /api/localities/:code/facilities   a commune's sites: name, head, records to correct, overdue (aggregates only)
 *   POST /api/facilities/import              { csv } the register file (docs/deadlines.md), by the campaign admin; audited
 * The CLI imports the same file: `vaxverify facilities import FILE`.
 */
export function facilitiesRouter(deps: { store: Store; now?: () => Date }): Router {
  const r = Router();
  r.get('/api/localities/:code/facilities', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    res.setHeader('cache-control', 'no-store');
    res.json({ items: code.length === 5 ? await communeFacilities(deps.store, code, deps.now?.() ?? new Date()) : [] });
  });
  r.post('/api/facilities/import', async (req, res) => {
    const { csv } = input(req, 'body', facilitiesImportBody);
    const report = await importFacilities(deps.store, csv);
    await auditAct(deps.store, req.principal!, { action: 'facilities.import', localityCode: 'VN', after: { rows: report.rows, inserted: report.inserted, updated: report.updated, rejected: report.rejected } });
    res.json(report);
  });
  return r;
}
