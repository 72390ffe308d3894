import { Router } from 'express';
import { z } from 'zod';
import type { CorrectionsDeps } from '../../services/corrections.service.js';
import { enqueueCorrectionRound } from '../../services/correction-round.service.js';
import { iterateWorklist } from '../../services/worklists.service.js';
import { auditAct } from '../../services/audit.service.js';
import { ConflictError, NotFoundError } from '../../lib/errors/index.js';
import { validate } from '../validate.js';

const params = z.object({ code: z.string().regex(/^\d{5}$/, 'a 5-digit commune code') });
const body = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) }).strict();

/** A correction round holds its record IDs in the round document: a commune's worklist is far below this. */
const MAX_RECORDS = 20_000;

/**
 * POST /api/localities/:code/correction-rounds { reason }   a coordinator re-verifies a commune's
 * open worklist (records still needing action, e.g. after the registry was updated): one correction
 * round over exactly those records, audited. 409 when nothing needs re-verifying.
 */
export function correctionRoundsRouter(deps: CorrectionsDeps): Router {
  const r = Router();
  r.post('/api/localities/:code/correction-rounds', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const { reason } = validate(body, req.body, 'body');
    if (!(await deps.models.Locality.exists({ code }))) throw new NotFoundError(`no commune ${code}`);
    const recordIds: string[] = [];
    for await (const item of iterateWorklist(deps.models, code, {})) {
      if (!item.correctionPending) recordIds.push(item.recordId);
      if (recordIds.length >= MAX_RECORDS) break;
    }
    if (recordIds.length === 0) throw new ConflictError(`commune ${code} has no record to re-verify`, { code: 'nothing_to_verify' });
    const roundId = await enqueueCorrectionRound(deps, code, recordIds);
    await auditAct(deps.models, req.principal!, { action: 'correction-round.enqueue', localityCode: code, after: { roundId, records: recordIds.length, reason } });
    res.status(201).json({ roundId, records: recordIds.length });
  });
  return r;
}
