import express, { Router } from 'express';
import { z } from 'zod';
import { CORRECTABLE_FIELDS, DECISIONS } from '../../domain/corrections/types.js';
import { CORRECTION_STATUSES } from '../../domain/corrections/types.js';
import { correctionView, enqueueForApplied, submitCorrection, type CorrectionsDeps } from '../../services/corrections.service.js';
import { recordHistory } from '../../services/record-history.service.js';
import { recordAccess, recordExport, counted } from '../../services/access-log.service.js';
import {
  SIGN_OFF_COLUMNS, SIGN_OFF_DECISIONS, localityCorrections, signOffCorrection, signOffSheet, uploadSignOffSheet,
} from '../../services/sign-off.service.js';
import { writeCsv } from '../../services/worksheet-files.js';
import { ValidationError } from '../../lib/errors/index.js';
import { validate } from '../validate.js';

const text = (max: number) => z.string().trim().min(1).max(max);
/** No officer and no sign-off in the body: who submits is the token's identity, and the police sign off as their own step. */
const correctionBody = z.object({
  recordId: text(80),
  baseVersion: z.number().int().min(0),
  decision: z.enum(DECISIONS),
  values: z.object(Object.fromEntries(CORRECTABLE_FIELDS.map((f) => [f, z.string().max(120).optional()]))).strict().optional(),
  explanation: z.string().max(2000).optional(),
}).strict();
const signOffBody = z.object({ decision: z.enum(SIGN_OFF_DECISIONS) }).strict();
const codeParams = z.object({ code: z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit locality code') });
const listQuery = z.object({ status: z.enum(CORRECTION_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });

/**
 * POST /api/corrections                      one correction by the signed-in commune_health officer → 201
 *                                             (200 resubmitted; `awaiting_signoff` where the police must sign)
 * POST /api/corrections/:id/sign-off          { decision: approve | refuse } by a different commune_police identity
 * GET  /api/localities/:code/corrections      corrections of a locality (?status=awaiting_signoff for the police)
 * GET  /api/localities/:code/corrections/sign-off.csv          the police's sheet; POST …/sign-off/upload the filled one
 * GET  /api/records/:recordId/history         every result and correction, oldest first
 */
export function correctionsRouter(deps: CorrectionsDeps & { maxUploadBytes: number; maxUploadRows: number }): Router {
  const r = Router();
  r.post('/api/corrections', async (req, res) => {
    const body = validate(correctionBody, req.body, 'body');
    const p = req.principal!;
    const result = await submitCorrection(deps, { ...body, officer: { name: p.name, role: 'health_station', sub: p.sub } }, { source: 'api' });
    const [correctionRound] = await enqueueForApplied(deps, [result]);
    res.status(result.created ? 201 : 200).json({ correction: correctionView(result.correction), created: result.created, correctionRound: correctionRound ?? result.correction.correctionRoundId ?? null });
  });
  r.post('/api/corrections/:id/sign-off', async (req, res) => {
    const { decision } = validate(signOffBody, req.body, 'body');
    const p = req.principal!;
    const out = await signOffCorrection(deps, String(req.params.id), { sub: p.sub, name: p.name }, decision);
    res.json({ correction: correctionView(out.correction), changed: out.changed, applied: out.applied, correctionRound: out.correctionRound });
  });
  r.get('/api/localities/:code/corrections', async (req, res) => {
    const { code } = validate(codeParams, req.params, 'params');
    const q = validate(listQuery, req.query, 'query');
    const items = await localityCorrections(deps.models, code, q.status, q.limit);
    await recordAccess(deps.models, req.principal!, { kind: 'corrections', locality: code, records: items.length, route: 'GET /api/localities/:code/corrections' });
    res.setHeader('cache-control', 'no-store');
    res.json({ items });
  });
  r.get('/api/localities/:code/corrections/sign-off.csv', async (req, res) => {
    const { code } = validate(codeParams, req.params, 'params');
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="sign-off-${code}.csv"`);
    res.setHeader('cache-control', 'no-store');
    const rows = { n: 0 };
    await writeCsv(res, SIGN_OFF_COLUMNS, counted(signOffSheet(deps.models, code), rows));
    await recordExport(deps.models, deps.log, req.principal!, { kind: 'export', locality: code, records: rows.n, route: 'GET /api/localities/:code/corrections/sign-off.csv' });
    res.end();
  });
  r.post('/api/localities/:code/corrections/sign-off/upload', express.raw({ type: () => true, limit: deps.maxUploadBytes }), async (req, res) => {
    const { code } = validate(codeParams, req.params, 'params');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) throw new ValidationError('body: upload the filled sign-off sheet (CSV or XLSX) as the raw request body');
    const p = req.principal!;
    res.json(await uploadSignOffSheet(deps, code, body, { sub: p.sub, name: p.name }, { maxRows: deps.maxUploadRows }));
  });
  r.get('/api/records/:recordId/history', async (req, res) => {
    const history = await recordHistory(deps.models, String(req.params.recordId));
    await recordAccess(deps.models, req.principal!, { kind: 'history', locality: history.communeCode, records: history.events.length, route: 'GET /api/records/:recordId/history', subject: history.recordId });
    res.setHeader('cache-control', 'no-store');
    res.json(history);
  });
  return r;
}
