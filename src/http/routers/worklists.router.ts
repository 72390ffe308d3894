import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { ACTION_OUTCOMES } from '../../db/repositories/worklist.repository.js';
import { OFFICER_ROLES } from '../../domain/corrections/types.js';
import type { CorrectionsDeps } from '../../services/corrections.service.js';
import { iterateWorklist, listWorklist, uploadWorksheet } from '../../services/worklists.service.js';
import { XLSX_TYPE, writeWorksheetCsv, writeWorksheetXlsx } from '../../services/worksheet-files.js';
import { NotFoundError, ValidationError } from '../../lib/errors/index.js';
import { validate } from '../validate.js';

const params = z.object({ code: z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit locality code') });
const listQuery = z.object({
  outcome: z.enum(ACTION_OUTCOMES).optional(),
  after: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const exportQuery = listQuery.pick({ outcome: true });
const uploadQuery = z.object({ officerName: z.string().trim().min(1).max(100).optional(), officerRole: z.enum(OFFICER_ROLES).optional() });
const settingsBody = z.object({ signOffRequired: z.boolean() }).strict();

/** Worksheets are personal data of the locality's own residents: never cached by proxies. */
function attachment(res: Response, type: string, name: string) {
  res.setHeader('content-type', type);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.setHeader('cache-control', 'no-store');
}

/**
 * GET  /api/localities/:code/worklist?outcome=&after=&limit=   records needing action (keyset on recordId)
 * GET  /api/localities/:code/worklist.csv | .xlsx?outcome=     the officer's worksheet
 * POST /api/localities/:code/corrections/upload                the filled worksheet, raw body (CSV or XLSX)
 * PUT  /api/localities/:code/correction-settings               { signOffRequired }
 */
export function worklistsRouter(deps: CorrectionsDeps): Router {
  const r = Router();
  r.get('/api/localities/:code/worklist', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    res.setHeader('cache-control', 'no-store');
    res.json(await listWorklist(deps.models, code, validate(listQuery, req.query, 'query')));
  });
  r.get('/api/localities/:code/worklist.csv', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const q = validate(exportQuery, req.query, 'query');
    attachment(res, 'text/csv; charset=utf-8', `worklist-${code}.csv`);
    await writeWorksheetCsv(res, iterateWorklist(deps.models, code, q));
    res.end();
  });
  r.get('/api/localities/:code/worklist.xlsx', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const q = validate(exportQuery, req.query, 'query');
    attachment(res, XLSX_TYPE, `worklist-${code}.xlsx`);
    await writeWorksheetXlsx(res, iterateWorklist(deps.models, code, q));
  });
  // A worksheet of a few thousand rows is well under 20 MB in either format.
  r.post('/api/localities/:code/corrections/upload', express.raw({ type: () => true, limit: '20mb' }), async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const defaults = validate(uploadQuery, req.query, 'query');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) throw new ValidationError('body: upload the filled worksheet (CSV or XLSX) as the raw request body');
    res.json(await uploadWorksheet(deps, code, body, defaults));
  });
  r.put('/api/localities/:code/correction-settings', async (req, res) => {
    const { code } = validate(params, req.params, 'params');
    const body = validate(settingsBody, req.body, 'body');
    const loc = await deps.models.Locality.findOne({ code }, { code: 1 }).lean();
    if (!loc) throw new NotFoundError(`no locality ${code}`);
    await deps.models.CorrectionSetting.updateOne({ localityCode: code }, { $set: body }, { upsert: true });
    res.json({ localityCode: code, ...body });
  });
  return r;
}
