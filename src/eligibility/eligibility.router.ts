import { Router, type Request } from 'express';
import { citizenEligibility, passportEligibility } from './eligibility.service.js';
import { recordAccess } from '../audit/access-log.service.js';
import type { Store } from '../db/store.js';
import type { SeriesRule } from '../domain/eligibility/primary-series.js';
import { maskId } from '../lib/mask.js';
import { input } from '../http/access/input.js';
import { citizenParams, eligibilityQuery } from '../http/access/request-schemas.js';

/**
 * GET /api/citizens/:personalId/passport-eligibility            a citizen (12-digit ID; 400 otherwise)
 * GET /api/passport-eligibility?passport=B1234567[&nationality=] a foreign national, no population check
 * GET /api/passport-eligibility?kind=citizen|passport&number=    either, by kind
 * → { kind, eligible, reason?, series: { complete, counted, needed, vaccines, problem? }, message (vi), doses: [{ recordId, doseNumber, vaccine, vaccinatedAt, outcome, correctionPending }] }
 * Every answer is access-logged (who asked, how many doses, the number masked); the app rate-limits these routes per identity.
 */
export function eligibilityRouter(deps: { store: Store; series: SeriesRule }): Router {
  const r = Router();
  const answer = async (req: Request, route: string, number: string, work: Promise<{ doses: unknown[] }>) => {
    const out = await work;
    await recordAccess(deps.store, req.principal!, { kind: 'eligibility', locality: null, records: out.doses.length, route, subject: maskId(number) });
    return out;
  };
  r.get('/api/citizens/:personalId/passport-eligibility', async (req, res) => {
    const id = input(req, 'params', citizenParams).personalId;
    const out = await answer(req, 'GET /api/citizens/:personalId/passport-eligibility', id, citizenEligibility(deps.store, id, new Date(), deps.series));
    res.setHeader('cache-control', 'no-store');
    res.json(out);
  });
  r.get('/api/passport-eligibility', async (req, res) => {
    const q = input(req, 'query', eligibilityQuery);
    const number = 'passport' in q ? q.passport : q.number;
    const work = 'passport' in q || q.kind === 'passport' ? passportEligibility(deps.store, number, q.nationality, deps.series) : citizenEligibility(deps.store, number, new Date(), deps.series);
    const out = await answer(req, 'GET /api/passport-eligibility', number, work);
    res.setHeader('cache-control', 'no-store');
    res.json(out);
  });
  return r;
}
