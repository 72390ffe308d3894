import { Router } from 'express';
import { z } from 'zod';
import { CORRECTABLE_FIELDS, DECISIONS, OFFICER_ROLES } from '../../domain/corrections/types.js';
import { correctionView, enqueueForApplied, submitCorrection, type CorrectionsDeps } from '../../services/corrections.service.js';
import { recordHistory } from '../../services/record-history.service.js';
import { validate } from '../validate.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const correctionBody = z.object({
  recordId: text(80),
  baseVersion: z.number().int().min(0),
  decision: z.enum(DECISIONS),
  values: z.object(Object.fromEntries(CORRECTABLE_FIELDS.map((f) => [f, z.string().max(120).optional()]))).strict().optional(),
  explanation: z.string().max(2000).optional(),
  officer: z.object({ name: text(100), role: z.enum(OFFICER_ROLES) }).strict(),
  signOff: z.object({ by: text(100), role: z.enum(OFFICER_ROLES).optional() }).strict().optional(),
}).strict();

/**
 * POST /api/corrections               one correction → 201 (200 when resubmitted), 400 with the
 *                                     refused fields, 404 unknown record, 409 stale baseVersion
 * GET  /api/records/:recordId/history every result and correction, oldest first
 */
export function correctionsRouter(deps: CorrectionsDeps): Router {
  const r = Router();
  r.post('/api/corrections', async (req, res) => {
    const body = validate(correctionBody, req.body, 'body');
    const result = await submitCorrection(deps, body, { source: 'api' });
    const [correctionRound] = await enqueueForApplied(deps, [result]);
    res.status(result.created ? 201 : 200).json({ correction: correctionView(result.correction), created: result.created, correctionRound: correctionRound ?? result.correction.correctionRoundId ?? null });
  });
  r.get('/api/records/:recordId/history', async (req, res) => {
    res.json(await recordHistory(deps.models, String(req.params.recordId)));
  });
  return r;
}
