import { Router } from 'express';
import type { CorrectionsDeps } from '../corrections/corrections.service.js';
import { createCorrectionRound } from './correction-round.service.js';
import { iterateWorklist } from '../corrections/worklists.service.js';
import { auditAct } from '../audit/audit.service.js';
import { NotFoundError } from '../lib/errors/index.js';
import { input } from '../http/access/input.js';
import { communeParams, correctionRoundBody } from '../http/access/request-schemas.js';
import { localityExists } from '../db/repositories/localities.repository.js';

/** A correction round holds its record IDs in the round document: a commune's worklist is far below this. */
const MAX_RECORDS = 20_000;

/**
 * POST /api/localities/:code/correction-rounds { reason }   a coordinator re-verifies a commune's
 * open worklist (records still needing action, e.g. after the registry was updated): one correction
 * round over exactly those records, audited. 409 when nothing needs re-verifying; the same
 * records again (unchanged, same register) answer the round already made.
 */
export function correctionRoundsRouter(deps: CorrectionsDeps): Router {
  const r = Router();
  r.post('/api/localities/:code/correction-rounds', async (req, res) => {
    const { code } = input(req, 'params', communeParams);
    const { reason } = input(req, 'body', correctionRoundBody);
    if (!(await localityExists(deps.store, code))) throw new NotFoundError(`no commune ${code}`);
    const recordIds: string[] = [];
    for await (const item of iterateWorklist(deps.store, code, {})) {
      if (!item.correctionPending) recordIds.push(item.recordId);
      if (recordIds.length >= MAX_RECORDS) break;
    }
    // No records: createCorrectionRound refuses (409 nothing_to_verify) and writes nothing.
    const { id: roundId, created } = await createCorrectionRound(deps, code, recordIds);
    // A double click, a retry or a second tab gets the same round (200), audited once.
    if (created) await auditAct(deps.store, req.principal!, { action: 'correction-round.enqueue', localityCode: code, after: { roundId, records: recordIds.length, reason } });
    res.status(created ? 201 : 200).json({ roundId, records: recordIds.length, created });
  });
  return r;
}
