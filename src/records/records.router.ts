import { Router } from 'express';
import { input, resourceOf } from '../http/access/input.js';
import { transferBody } from '../http/access/request-schemas.js';
import { transferDoseRecord, type TransferDeps } from './transfer.service.js';

/**
 * POST /api/records/:recordId/transfer { communeCode, version, reason }   move a dose record to
 * another commune (coordinators whose area holds both, the campaign admin): 200 with the new
 * version; 409 on a stale version or an open correction; audited.
 */
export function recordsRouter(deps: TransferDeps): Router {
  const r = Router();
  r.post('/api/records/:recordId/transfer', async (req, res) => {
    const record = resourceOf(req, 'record');
    const body = input(req, 'body', transferBody);
    res.json(await transferDoseRecord(deps, req.principal!, { recordId: record.id, from: record.locality, to: body.communeCode, version: body.version, reason: body.reason }));
  });
  return r;
}
