import { Router } from 'express';
import { z } from 'zod';
import { citizenEligibility, passportEligibility } from '../../services/eligibility.service.js';
import type { Models } from '../../db/models/index.js';
import { validate } from '../validate.js';

const query = z.union([
  z.object({ passport: z.string().trim().min(1).max(40), nationality: z.string().trim().max(40).optional() }).strict(),
  z.object({ kind: z.enum(['citizen', 'passport']), number: z.string().trim().min(1).max(40), nationality: z.string().trim().max(40).optional() }).strict(),
]);

/**
 * GET /api/citizens/:personalId/passport-eligibility            a citizen (12-digit ID; 400 otherwise)
 * GET /api/passport-eligibility?passport=B1234567[&nationality=] a foreign national, no population check
 * GET /api/passport-eligibility?kind=citizen|passport&number=    either, by kind
 * → { kind, eligible, reason?, doses: [{ recordId, doseNumber, vaccine, vaccinatedAt, outcome, correctionPending }] }
 */
export function eligibilityRouter(deps: { models: Models }): Router {
  const r = Router();
  r.get('/api/citizens/:personalId/passport-eligibility', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await citizenEligibility(deps.models, String(req.params.personalId)));
  });
  r.get('/api/passport-eligibility', async (req, res) => {
    const q = validate(query, req.query, 'query');
    res.setHeader('cache-control', 'no-store');
    if ('passport' in q) return void res.json(await passportEligibility(deps.models, q.passport, q.nationality));
    res.json(q.kind === 'citizen' ? await citizenEligibility(deps.models, q.number) : await passportEligibility(deps.models, q.number, q.nationality));
  });
  return r;
}
