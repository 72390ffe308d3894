import express, { Router } from 'express';
import { localityBacklog, reportDoses, uploadDoseReports, type BacklogDeps } from './backlog.service.js';
import { input, rawUpload } from '../http/access/input.js';
import { codeParams, doseReportBody } from '../http/access/request-schemas.js';

/**
 * POST /api/dose-reports          { facilityId, communeCode, day, administered } upsert on (communeCode, facilityId, day)
 * POST /api/dose-reports/upload   CSV raw body, same columns; bad lines reported
 * GET  /api/localities/:code/backlog  reported vs entered per facility and day, gap, totals
 */
export function backlogRouter(deps: BacklogDeps): Router {
  const r = Router();
  r.post('/api/dose-reports', async (req, res) => {
    res.json(await reportDoses(deps, input(req, 'body', doseReportBody), req.principal!.sub));
  });
  r.post('/api/dose-reports/upload', express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    res.json(await uploadDoseReports(deps, rawUpload(req, 'a CSV'), req.principal!.sub));
  });
  r.get('/api/localities/:code/backlog', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    res.json(await localityBacklog(deps.store, code));
  });
  return r;
}
